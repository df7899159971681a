package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.demo.JournalTimeline;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;

/**
 * The multi-process tests' pool: hosts xa (master) and xb, each running two HA-enabled VMs and one with
 * HA disabled, one Tandem node JVM per host and optionally a witness JVM. Every test ends by asserting
 * the simulator's safety record: never two masters, never one VM on two hosts (issue #4 acceptance).
 */
final class TwoHostPool implements AutoCloseable {
  static final String POOL = "5e1f0a2c-7d3b-4c1e-9a6f-2b8d4e6f0c01";
  static final String XA = "3f9a2c1e-5b7d-4e8f-a1c3-0000000c0a01";
  static final String XB = "7c4e1a9b-2d6f-4b3a-8e5c-0000000c0b02";
  static final String ADDR_A = "127.0.0.81";
  static final String ADDR_B = "127.0.0.82";
  static final String FIELD = "XenCenter.CustomFields.ha-lizard-enabled";

  record Vm(String uuid, String name, String host, boolean ha) {}

  static final List<Vm> VMS = List.of(
      new Vm("b0e1c2d3-0001-4000-8000-0000000c0f01", "app-a1", XA, true),
      new Vm("b0e1c2d3-0002-4000-8000-0000000c0f02", "app-a2", XA, true),
      new Vm("b0e1c2d3-0003-4000-8000-0000000c0f03", "scratch-a", XA, false),
      new Vm("b0e1c2d3-0004-4000-8000-0000000c0f04", "app-b1", XB, true),
      new Vm("b0e1c2d3-0005-4000-8000-0000000c0f05", "app-b2", XB, true),
      new Vm("b0e1c2d3-0006-4000-8000-0000000c0f06", "scratch-b", XB, false));

  final SimCluster cluster;

  private TwoHostPool(SimCluster cluster) {
    this.cluster = cluster;
  }

  static SimPoolSpec spec() {
    List<VmSpec> vms = VMS.stream().map(v -> new VmSpec(v.uuid(), v.name(), "Running", v.host(),
        Map.of(FIELD, String.valueOf(v.ha())), 0, 0)).toList();
    return new SimPoolSpec(POOL, "cluster-test-pool",
        List.of(new HostSpec(XA, "xa", ADDR_A), new HostSpec(XB, "xb", ADDR_B)), XA, vms,
        Map.of("XenCenter.CustomFields.ha-lizard-enabled", "true"), "root", "cluster-test-password", Duration.ofMillis(500),
        Duration.ofMillis(500));
  }

  /** Starts the simulator, the witnesses and both nodes, and waits until the pool is ready for a failure. */
  static TwoHostPool start(Path run, int witnesses) throws Exception {
    return start(run, witnesses, "");
  }

  /** @param nodeConfig extra HOCON for both nodes */
  static TwoHostPool start(Path run, int witnesses, String nodeConfig) throws Exception {
    return start(run, witnesses, nodeConfig, spec(), VMS);
  }

  /** A pool of xa and xb with other VMs: {@code vms} are the ones it waits to see tagged home-pool. */
  static TwoHostPool start(Path run, int witnesses, String nodeConfig, SimPoolSpec spec, List<Vm> vms) throws Exception {
    SimCluster c = new SimCluster(new SimCluster.Options(run, System.getProperty("surefire.test.class.path"), spec,
        witnesses, nodeConfig, System.out));
    TwoHostPool p = new TwoHostPool(c);
    try {
      c.startAll();
      boolean ready = SimCluster.await(Duration.ofSeconds(90), () -> c.sees(XB, XA) && c.sees(XA, XB)
          && XB.equals(c.pool.poolOtherConfig().get("autopromote_uuid"))
          && vms.stream().filter(Vm::ha).allMatch(v -> POOL.equals(c.pool.vmOtherConfig(v.uuid()).get("home-pool")))
          && c.journal(XB).stream().anyMatch(e -> e.type().equals("AutopromoteWinnerChosen"))
          && "healthy".equals(c.pool.hostOtherConfig(XB).get(FIELD)));
      if (!ready) {
        p.dumpLogs();
        fail(String.format("pool not ready within 90 s: xb sees xa %s, xa sees xb %s, autopromote_uuid %s, home-pool "
                + "tags %s, xb journaled a winner %s, xb's tag %s; see %s", c.sees(XB, XA), c.sees(XA, XB),
            c.pool.poolOtherConfig().get("autopromote_uuid"),
            vms.stream().filter(Vm::ha).map(v -> c.pool.vmOtherConfig(v.uuid()).get("home-pool")).toList(),
            c.journal(XB).stream().anyMatch(e -> e.type().equals("AutopromoteWinnerChosen")),
            c.pool.hostOtherConfig(XB).get(FIELD), run));
      }
      // A pool runs for a while before it fails: let the failure detector collect heartbeats first.
      Thread.sleep(2000);
      return p;
    } catch (Throwable t) {
      c.close();
      throw t;
    }
  }

  /** On a failure: the end of every node's log, so CI output shows why. */
  void dumpLogs() {
    for (String h : List.of(XA, XB)) {
      try {
        List<String> lines = java.nio.file.Files.readAllLines(cluster.log(h));
        System.out.println("---- last lines of " + cluster.log(h));
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
      } catch (java.io.IOException e) {
        System.out.println("---- no log " + cluster.log(h) + ": " + e);
      }
    }
  }

  static List<Vm> haVmsOn(String host) {
    return VMS.stream().filter(v -> v.ha() && v.host().equals(host)).toList();
  }

  /** Every one of {@code vms} runs, and the survivor journaled at least that many restarts since {@code since}. */
  boolean restartedBy(String survivor, List<Vm> vms, Instant since) {
    return vms.stream().allMatch(this::running) && cluster.events(survivor, "VmRestarted", since).size() >= vms.size();
  }

  boolean running(Vm v) {
    return "Running".equals(cluster.pool.vmPowerState(v.uuid()));
  }

  List<String> types(String host, Instant since) {
    return cluster.journal(host).stream().filter(e -> !JournalTimeline.atOf(e).isBefore(since))
        .map(JournalTimeline.Entry::type).collect(Collectors.toList());
  }

  boolean journaled(String host, String type, Instant since) {
    return !cluster.events(host, type, since).isEmpty();
  }

  /** The acceptance of issue #4, from the simulator's own records. */
  void assertTheOneRuleHeld() {
    assertEquals(List.of(), cluster.pool.safetyBreaches(), "the simulator saw the one rule broken");
  }

  @Override public void close() {
    cluster.close();
  }
}
