import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.errors.ResourceNotFoundException;

/**
 * Creates, replaces and deletes SCRAM-SHA-512 credentials with the Kafka AdminClient
 * (AlterUserScramCredentials, KIP-554), which kafkajs does not implement. Compiled and run by
 * libs/kafka/src/security/scram-users.ts against the secure broker, as the admin.
 *
 *   java -cp <classes>:<kafka libs>/* ScramUsers <admin-client.properties>
 *
 * Commands on stdin (passwords never appear on a command line), one per line:
 *   upsert <user> <password>      delete <user>      list
 * Answers on stdout, one line per command: "upserted <user>", "deleted <user>", "absent <user>",
 * "user <name>" (list), or "failed <user> <error>" (then the exit code is 1).
 */
public final class ScramUsers {
  private static final int ITERATIONS = 8192;

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ScramUsers <admin-client.properties>  (commands on stdin)");
      System.exit(2);
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(Paths.get(args[0]))) {
      props.load(in);
    }
    props.putIfAbsent("request.timeout.ms", "15000");
    props.putIfAbsent("default.api.timeout.ms", "30000");
    props.putIfAbsent("client.id", "kinlink-scram-users");

    Map<String, UserScramCredentialAlteration> alterations = new LinkedHashMap<>();
    boolean list = false;
    BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = reader.readLine()) != null; ) {
      String[] p = line.trim().split("\\s+");
      if (p.length == 0 || p[0].isEmpty()) continue;
      switch (p[0]) {
        case "upsert":
          if (p.length != 3) throw new IllegalArgumentException("upsert <user> <password>");
          alterations.put(p[1], new UserScramCredentialUpsertion(p[1], new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), p[2]));
          break;
        case "delete":
          if (p.length != 2) throw new IllegalArgumentException("delete <user>");
          alterations.put(p[1], new UserScramCredentialDeletion(p[1], ScramMechanism.SCRAM_SHA_512));
          break;
        case "list":
          list = true;
          break;
        default:
          throw new IllegalArgumentException("unknown command: " + p[0]);
      }
    }

    boolean failed = false;
    try (Admin admin = Admin.create(props)) {
      if (!alterations.isEmpty()) {
        List<UserScramCredentialAlteration> batch = new ArrayList<>(alterations.values());
        Map<String, org.apache.kafka.common.KafkaFuture<Void>> results = admin.alterUserScramCredentials(batch).values();
        for (Map.Entry<String, UserScramCredentialAlteration> e : alterations.entrySet()) {
          String user = e.getKey();
          boolean deletion = e.getValue() instanceof UserScramCredentialDeletion;
          try {
            results.get(user).get();
            System.out.println((deletion ? "deleted " : "upserted ") + user);
          } catch (ExecutionException ex) {
            if (deletion && ex.getCause() instanceof ResourceNotFoundException) {
              System.out.println("absent " + user);
            } else {
              failed = true;
              System.out.println("failed " + user + " " + String.valueOf(ex.getCause()).replace('\n', ' '));
            }
          }
        }
      }
      if (list) {
        Map<String, UserScramCredentialsDescription> users = admin.describeUserScramCredentials().all().get();
        for (String user : users.keySet()) System.out.println("user " + user);
      }
    }
    System.out.flush();
    System.exit(failed ? 1 : 0);
  }
}
