package org.tandemha.harness.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.sim.SimPool;

/**
 * The walking skeleton's end-to-end run: a simulated two-host pool, one Tandem node per host as its own
 * JVM, then the master loses power (its node gets SIGKILL, its simulated host is powered off). Success is
 * every HA VM running again on the survivor, exactly once, with the others left halted. Used by
 * {@code ops/demo} and by the end-to-end test, so both prove the same thing.
 */
public final class MasterPowerLossRehearsal implements AutoCloseable {

  /**
   * @param classpath  the node JVMs' classpath (the harness's runtime classpath)
   * @param fuse       simulated xapi's delay before restarting as master after the emergency transition
   */
  public record Options(Path runDir, String classpath, Duration fuse, Duration xapiRestart, Duration ready,
                        Duration warmUp, Duration recover, Duration settle, PrintStream out) {}

  public record Result(boolean ok, String reason, int recovered, int expected, double seconds,
                       Map<String, String> powerStates, Map<String, Integer> startCounts,
                       List<JournalTimeline.Entry> survivorJournal) {}

  private final Options o;
  private SimCluster cluster;
  private SimPool pool;

  public MasterPowerLossRehearsal(Options options) {
    this.o = options;
  }

  public Result run() throws IOException, InterruptedException {
    cluster = new SimCluster(new SimCluster.Options(o.runDir(), o.classpath(), DemoPool.spec(o.fuse(), o.xapiRestart()),
        0, "", o.out()));
    pool = cluster.pool;
    say("simulated pool: xcp-a %s (master) and xcp-b %s, XAPI on port %d; power switch on 127.0.0.1:%d",
        DemoPool.ADDR_A, DemoPool.ADDR_B, cluster.xapiPort(), cluster.controlPort());
    say("simulated xapi restarts as master %.1f s + %.1f s after the emergency transition (real xapi: ~10 s)",
        o.fuse().toMillis() / 1000.0, o.xapiRestart().toMillis() / 1000.0);
    Process a = cluster.startNode(DemoPool.XCP_A);
    Process b = cluster.startNode(DemoPool.XCP_B);
    Path journalB = cluster.journalFile(DemoPool.XCP_B);
    Path logB = cluster.log(DemoPool.XCP_B);

    boolean ready = await(o.ready(), () -> !a.isAlive() || !b.isAlive() || (winnerPublished()
        && haVmsTagged() && cluster.sees(DemoPool.XCP_B, DemoPool.XCP_A) && winnerSeenBy(journalB)));
    if (!a.isAlive() || !b.isAlive()) return failed("a node exited before the pool was ready; see " + o.runDir());
    if (!ready) return failed("pool not ready within " + o.ready() + " (cluster, autopromote winner, home-pool tags)");
    printStatus();
    // A pool runs for a while before it fails: let the failure detector collect heartbeats first.
    Thread.sleep(o.warmUp().toMillis());

    Instant t0 = Instant.now();
    cluster.powerLoss(DemoPool.XCP_A);
    say("");
    say("%s master xcp-a loses power: node-xcp-a killed (SIGKILL), host xcp-a powered off", clock(t0));

    List<DemoPool.DemoVm> expected = DemoPool.haVmsExpectedBack();
    boolean back = await(o.recover(), () -> !b.isAlive() || refused(journalB, t0)
        || (expected.stream().allMatch(v -> "Running".equals(pool.vmPowerState(v.uuid())))
            && restarted(journalB, t0) >= expected.size()));
    List<JournalTimeline.Entry> journal = JournalTimeline.read(journalB);
    printTimeline(journal, t0);
    if (!b.isAlive()) return failed("node-b exited during the takeover; see " + logB);
    if (!back) {
      String refusal = journal.stream().filter(e -> e.type().equals("TakeoverRefused") && !atOf(e).isBefore(t0))
          .map(e -> e.text("reason")).findFirst().orElse("not all HA VMs running within " + o.recover());
      return failed(refusal);
    }
    // Let a few more rounds pass: nothing else may start, nothing may start twice.
    Thread.sleep(o.settle().toMillis());
    Map<String, String> states = new LinkedHashMap<>();
    Map<String, Integer> starts = new LinkedHashMap<>();
    for (DemoPool.DemoVm v : DemoPool.VMS) {
      states.put(v.name(), pool.vmPowerState(v.uuid()));
      starts.put(v.name(), pool.startCount(v.uuid()));
    }
    journal = JournalTimeline.read(journalB);
    Instant lastStart = journal.stream().filter(e -> e.type().equals("VmRestarted") && !atOf(e).isBefore(t0))
        .map(JournalTimeline::atOf).max(Instant::compareTo).orElse(Instant.now());
    double seconds = Duration.between(t0, lastStart).toMillis() / 1000.0;
    for (DemoPool.DemoVm v : expected) {
      if (!"Running".equals(states.get(v.name())) || starts.get(v.name()) != 1) {
        return result(false, v.name() + " is " + states.get(v.name()) + " after " + starts.get(v.name()) + " start(s)",
            seconds, states, starts, journal);
      }
    }
    for (DemoPool.DemoVm v : DemoPool.vmsThatMustStayHalted()) {
      if (!"Halted".equals(states.get(v.name())) || starts.get(v.name()) != 0) {
        return result(false, v.name() + " must stay halted but is " + states.get(v.name()), seconds, states, starts,
            journal);
      }
    }
    printEvents(journalB.getParent(), t0);
    printTandemStatus();
    List<String> breaches = pool.safetyBreaches();
    if (!breaches.isEmpty()) return result(false, "the one rule broke: " + breaches, seconds, states, starts, journal);
    return result(true, "", seconds, states, starts, journal);
  }

  /** The takeover as an operator reads it afterwards: {@code tandem events} on the survivor's journal. */
  private void printEvents(Path journalDir, Instant t0) {
    String since = t0.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    String types = "MasterLost,FenceConfirmed,TakeoverStarted,PromotedToMaster,TakeoverFinished,VmRestarted";
    say("");
    say("the takeover in xcp-b's journal:");
    say("$ ops/tandem events --dir %s --since %s --type %s", journalDir, since, types);
    org.tandemha.controller.journal.EventsCommand.run(List.of("--dir", journalDir.toString(), "--since", since,
        "--type", types), o.out(), o.out(), Instant::now, () -> true);
  }

  /** The survivor's admin socket, for {@code ops/tandem status --socket}. */
  public Path survivorSocket() {
    return cluster.adminSocket(DemoPool.XCP_B);
  }

  /** What an operator sees next on the survivor: {@code tandem status}. */
  private void printTandemStatus() {
    say("");
    say("$ ops/tandem status   (on xcp-b)");
    org.tandemha.controller.admin.NodeCommands.run("status", List.of("--socket", survivorSocket().toString()), o.out(),
        o.out());
  }

  private Result failed(String reason) {
    return result(false, reason, 0, Map.of(), Map.of(), List.of());
  }

  private Result result(boolean ok, String reason, double seconds, Map<String, String> states,
                        Map<String, Integer> starts, List<JournalTimeline.Entry> journal) {
    int recovered = (int) DemoPool.haVmsExpectedBack().stream()
        .filter(v -> "Running".equals(states.get(v.name())) && Integer.valueOf(1).equals(starts.get(v.name()))).count();
    return new Result(ok, reason, recovered, DemoPool.haVmsExpectedBack().size(), seconds, states, starts, journal);
  }

  private boolean winnerPublished() {
    return DemoPool.XCP_B.equals(pool.poolOtherConfig().get("autopromote_uuid"));
  }

  private boolean haVmsTagged() {
    return DemoPool.haVmsExpectedBack().stream()
        .allMatch(v -> DemoPool.POOL.equals(pool.vmOtherConfig(v.uuid()).get("home-pool")));
  }

  private static boolean winnerSeenBy(Path journal) {
    return JournalTimeline.read(journal).stream()
        .anyMatch(e -> e.type().equals("AutopromoteWinnerChosen") && e.text("winner").contains(DemoPool.XCP_B));
  }

  private static boolean refused(Path journal, Instant since) {
    return JournalTimeline.read(journal).stream()
        .anyMatch(e -> e.type().equals("TakeoverRefused") && !atOf(e).isBefore(since));
  }

  private static long restarted(Path journal, Instant since) {
    return JournalTimeline.read(journal).stream()
        .filter(e -> e.type().equals("VmRestarted") && !atOf(e).isBefore(since)).count();
  }

  private static Instant atOf(JournalTimeline.Entry e) { return JournalTimeline.atOf(e); }

  private void printStatus() {
    say("");
    say("pool status before the failure (pool other-config autopromote_uuid=%s):",
        DemoPool.hostName(pool.poolOtherConfig().get("autopromote_uuid")));
    say("  %-6s %-38s %-11s %-7s %s", "HOST", "UUID", "ADDRESS", "POWER", "ROLE");
    for (String h : List.of(DemoPool.XCP_A, DemoPool.XCP_B)) {
      say("  %-6s %-38s %-11s %-7s %s", DemoPool.hostName(h), h, pool.hostAddress(h),
          pool.isPoweredOn(h) ? "on" : "off", pool.masterUuid().equals(h) ? "master" : "slave");
    }
    say("  %-14s %-8s %-7s %-10s %s", "VM", "POWER", "ON", "HA", "HOME-POOL");
    for (DemoPool.DemoVm v : DemoPool.VMS) {
      String on = pool.vmResidentOnUuid(v.uuid());
      say("  %-14s %-8s %-7s %-10s %s", v.name(), pool.vmPowerState(v.uuid()), on == null ? "-" : DemoPool.hostName(on),
          v.haEnabled() ? "enabled" : "disabled",
          DemoPool.POOL.equals(pool.vmOtherConfig(v.uuid()).get("home-pool")) ? "this pool" : "-");
    }
  }

  private void printTimeline(List<JournalTimeline.Entry> journal, Instant t0) {
    for (JournalTimeline.Entry e : journal) {
      Instant at = atOf(e);
      if (at.isBefore(t0)) continue;
      String line = switch (e.type()) {
        case "MasterLost" -> "detected   master " + DemoPool.hostName(e.text("master")) + " lost: " + e.text("evidence");
        case "QuorumEvaluated" -> "quorum     " + (e.event().path("quorate").asBoolean() ? "quorate " : "NOT quorate ")
            + e.text("votes") + "/" + e.text("needed") + " votes " + e.text("sources") + ": " + e.text("reason");
        case "FenceDelayed" -> "delay      " + seconds(e.text("delay")) + " before fencing " + DemoPool.hostName(e.text("target"))
            + ": " + e.text("reason");
        case "FenceRequested" -> "fence      " + DemoPool.hostName(e.text("target")) + " via " + e.text("device");
        case "FenceConfirmed" -> "fenced     " + DemoPool.hostName(e.text("target")) + ": " + e.text("evidence");
        case "FenceFailed" -> "FENCE FAILED " + DemoPool.hostName(e.text("target")) + ": " + e.text("reason");
        case "TakeoverStarted" -> "takeover   emergency transition of " + DemoPool.hostName(e.text("newMaster"))
            + " to pool master";
        case "PromotedToMaster" -> "promoted   " + DemoPool.hostName(e.text("newMaster")) + " answers as pool master";
        case "SlavesRecovered" -> "slaves     recover_slaves repointed " + e.text("recovered");
        case "VmPowerResetIssued" -> "reset      " + e.text("name") + " (power state of a VM on the fenced host)";
        case "StorageTakenOver" -> "storage    " + e.text("storage");
        case "TakeoverFinished" -> "takeover   finished, " + e.text("vmsReset") + " VM(s) reset";
        case "VmRestartIssued" -> null;
        case "VmRestarted" -> "started    " + e.text("name") + " on " + DemoPool.hostName(e.text("on"));
        case "VmRestartFailed" -> "start FAILED " + e.text("name") + ": " + e.text("error");
        case "TakeoverRefused" -> "REFUSED    " + e.text("reason");
        case "AutopromoteWinnerChosen" -> "autopromote " + (e.text("winner").isEmpty() ? "none_available"
            : DemoPool.hostName(e.text("winner")));
        default -> e.type();
      };
      if (line != null) say("%s %s", clock(t0, at), line);
    }
  }

  private static boolean await(Duration max, BooleanSupplier done) throws InterruptedException {
    return SimCluster.await(max, done);
  }

  /** An ISO duration from the journal ("PT5S") as an operator reads it ("5.0 s"). */
  private static String seconds(String iso) {
    try {
      return String.format(Locale.ROOT, "%.1f s", Duration.parse(iso).toMillis() / 1000.0);
    } catch (RuntimeException e) {
      return iso;
    }
  }

  private static String clock(Instant t0) { return clock(t0, t0); }

  private static String clock(Instant t0, Instant at) {
    return String.format(Locale.ROOT, "%+7.1fs", Duration.between(t0, at).toMillis() / 1000.0);
  }

  private void say(String format, Object... args) {
    o.out().println(String.format(Locale.ROOT, format, args));
  }

  /** Stops every node JVM and the simulator; safe to call more than once. */
  @Override public void close() {
    if (cluster != null) cluster.close();
  }
}
