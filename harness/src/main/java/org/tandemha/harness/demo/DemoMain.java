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
    boolean keep = args.length == 3 && args[2].equals("--keep");
    if (args.length < 2 || !args[0].equals("--run-dir") || (args.length == 3 && !keep) || args.length > 3) {
      System.err.println("usage: ops/demo [--keep]   (--keep: leave the pool and the survivor running afterwards, "
          + "for `ops/tandem status`, until Ctrl-C)");
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
        if (keep) {
          System.out.println();
          System.out.println("the pool keeps running (Ctrl-C stops it); ask the survivor:");
          System.out.println("  ops/tandem status --socket " + rehearsal.survivorSocket());
          System.out.println("  ops/tandem status --json --socket " + rehearsal.survivorSocket());
          System.out.flush();
          Thread.currentThread().join();   // until Ctrl-C: the shutdown hook stops every process
        }
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
