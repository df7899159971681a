package org.tandemha.harness.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code ops/demo}: rehearses a master power loss on the embedded simulated pool and ends with one line,
 * {@code DEMO OK: ...} (exit 0) or {@code DEMO FAILED: <reason>} (exit 1).
 */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) {
    if (args.length != 2 || !args[0].equals("--run-dir")) {
      System.err.println("usage: DemoMain --run-dir DIR");
      System.exit(2);
    }
    var options = new MasterPowerLossRehearsal.Options(Path.of(args[1]), System.getProperty("java.class.path"),
        Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(90), Duration.ofSeconds(3), Duration.ofSeconds(90),
        Duration.ofSeconds(3), System.out);
    int exit;
    try (var rehearsal = new MasterPowerLossRehearsal(options)) {
      MasterPowerLossRehearsal.Result r = rehearsal.run();
      System.out.println();
      if (r.ok()) {
        System.out.println(String.format(Locale.ROOT, "DEMO OK: recovered %d/%d HA VMs in %.1f s after master power loss",
            r.recovered(), r.expected(), r.seconds()));
        exit = 0;
      } else {
        System.out.println("DEMO FAILED: " + r.reason());
        exit = 1;
      }
    } catch (Exception e) {
      System.out.println();
      System.out.println("DEMO FAILED: " + e);
      exit = 1;
    }
    System.out.flush();
    System.exit(exit);
  }
}
