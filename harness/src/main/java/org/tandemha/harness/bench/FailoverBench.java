package org.tandemha.harness.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.demo.JournalTimeline;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;

/**
 * {@code ops/bench}'s failover_20vm (issue #5): a two-host pool with a witness, 20 HA VMs on the master,
 * realistic simulated latencies — power fence 1 s, emergency transition to master 10 s (xapi restarting),
 * VM.start 2 s — and Tandem's production default timers. The master loses power; measured is the time until
 * the last of the 20 is running, median of the runs, and the overhead: that minus the simulated latencies on
 * the critical path (fence, transition, and the VM starts in waves of the concurrency limit).
 */
public final class FailoverBench {
  static final String POOL = "5e1f0a2c-7d3b-4c1e-9a6f-2b8d4e6f0e01";
  static final String A = "3f9a2c1e-5b7d-4e8f-a1c3-0000000e0a01";
  static final String B = "7c4e1a9b-2d6f-4b3a-8e5c-0000000e0b02";
  static final String FIELD = "XenCenter.CustomFields.ha-lizard-enabled";
  static final int VMS = 20;
  static final Duration FENCE = Duration.ofSeconds(1);
  static final Duration FUSE = Duration.ofSeconds(7);
  static final Duration XAPI_RESTART = Duration.ofSeconds(3);
  static final int START_SECONDS = 2;
  static final int CONCURRENCY = 4;

  private FailoverBench() {}

  public static void main(String[] args) throws Exception {
    int runs = 5;
    Path dir = Path.of("run", "bench");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--runs") && i + 1 < args.length) runs = Integer.parseInt(args[++i]);
      else if (args[i].equals("--run-dir") && i + 1 < args.length) dir = Path.of(args[++i]);
      else {
        System.err.println("usage: FailoverBench [--runs N] [--run-dir DIR]");
        System.exit(2);
      }
    }
    PrintStream log = new PrintStream(Files.newOutputStream(Files.createDirectories(dir).resolve("bench.log")), true);
    List<Double> totals = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      double s = once(dir.resolve("run-" + r), log);
      System.err.printf(Locale.ROOT, "failover_20vm run %d/%d: %.1f s%n", r, runs, s);
      totals.add(s);
    }
    List<Double> sorted = new ArrayList<>(totals);
    sorted.sort(Double::compare);
    double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    int waves = (VMS + CONCURRENCY - 1) / CONCURRENCY;
    double critical = FENCE.toMillis() / 1000.0 + (FUSE.plus(XAPI_RESTART)).toMillis() / 1000.0 + waves * START_SECONDS;
    System.out.printf(Locale.ROOT, "{\"bench\":\"failover_20vm\",\"median_s\":%.2f,\"overhead_s\":%.2f,\"runs\":%d,"
        + "\"simulated_critical_path_s\":%.1f,\"witness\":true}%n", median, median - critical, runs, critical);
  }

  /** The first run's journaled decisions of the survivor, seconds after the power loss, for ops/bench --report. */
  static void writeTimeline(SimCluster c, Instant t0, Path file) throws java.io.IOException {
    if (Files.exists(file)) return;
    StringBuilder b = new StringBuilder();
    for (JournalTimeline.Entry e : c.journal(B)) {
      if (e.at().isBefore(t0)) continue;
      String detail = e.event().path("name").asText(e.event().path("master").asText(e.event().path("target")
          .asText(e.event().path("lostMaster").asText(""))));
      b.append(String.format(Locale.ROOT, "%.3f\t%s\t%s%n", Duration.between(t0, e.at()).toMillis() / 1000.0,
          e.type(), detail.replace('\t', ' ')));
    }
    Files.writeString(file, b.toString());
  }

  static double once(Path run, PrintStream log) throws Exception {
    List<VmSpec> vms = new ArrayList<>();
    for (int i = 0; i < VMS; i++) {
      vms.add(new VmSpec(String.format("e0e1c2d3-%04d-4000-8000-0000000e0f%02d", i, i), "vm-" + i, "Running", A,
          Map.of(FIELD, "true"), 0, START_SECONDS));
    }
    SimPoolSpec spec = new SimPoolSpec(POOL, "bench-pool",
        List.of(new HostSpec(A, "bench-a", "127.0.0.91"), new HostSpec(B, "bench-b", "127.0.0.92")), A, vms,
        Map.of(FIELD, "true"), "root", "bench-password", FUSE, XAPI_RESTART);
    try (SimCluster c = new SimCluster(new SimCluster.Options(run, System.getProperty("java.class.path"), spec, 1, "",
        log))) {
      c.pool.setPowerActionDelay(FENCE);
      c.startAll();
      boolean ready = SimCluster.await(Duration.ofSeconds(120), () -> c.sees(B, A)
          && B.equals(c.pool.poolOtherConfig().get("autopromote_uuid"))
          && vms.stream().allMatch(v -> POOL.equals(c.pool.vmOtherConfig(v.uuid()).get("home-pool")))
          && c.journal(B).stream().anyMatch(e -> e.type().equals("AutopromoteWinnerChosen")));
      if (!ready) throw new IllegalStateException("bench pool not ready in 120 s; see " + run);
      Thread.sleep(3000);
      Instant t0 = Instant.now();
      c.powerLoss(A);
      boolean back = SimCluster.await(Duration.ofSeconds(180), () -> vms.stream()
          .allMatch(v -> "Running".equals(c.pool.vmPowerState(v.uuid())))
          && c.events(B, "VmRestarted", t0).size() >= VMS);
      if (!back) throw new IllegalStateException("not all VMs back within 180 s; see " + run);
      Instant last = c.events(B, "VmRestarted", t0).stream().map(JournalTimeline::atOf).max(Instant::compareTo).get();
      writeTimeline(c, t0, run.resolveSibling("timeline.tsv"));
      if (!c.pool.safetyBreaches().isEmpty()) throw new IllegalStateException("safety: " + c.pool.safetyBreaches());
      return Duration.between(t0, last).toMillis() / 1000.0;
    }
  }
}
