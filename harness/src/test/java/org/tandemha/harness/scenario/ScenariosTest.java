package org.tandemha.harness.scenario;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #10 acceptance: every scenario under {@code harness/scenarios} runs in {@code ops/test} — its commands on the
 * simulated pool with a JVM per node, the invariants all along, the journaled decisions against its golden.
 */
@Tag("cluster")
class ScenariosTest {
  static Stream<Path> scenarios() throws Exception {
    return ScenarioRunner.all(Path.of("scenarios")).stream();
  }

  /**
   * Two scenarios run side by side (junit-platform.properties: two threads), which halves the suite's time on 2 cores:
   * their nodes idle between heartbeats while the scenario waits out its failure. Only one pool at a time starts its
   * JVMs ({@link #BOOT}), and a large pool (more than {@value #SMALL_POOL} hosts) runs alone.
   */
  static final java.util.concurrent.locks.Lock BOOT = new java.util.concurrent.locks.ReentrantLock(true);
  static final java.util.concurrent.locks.ReadWriteLock ALONE = new java.util.concurrent.locks.ReentrantReadWriteLock(true);
  static final int SMALL_POOL = 3;

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  @org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
  void theScenarioHoldsAndMatchesItsGolden(Path dir, @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run)
      throws Exception {
    Scenario s = Scenario.load(dir);
    java.util.concurrent.locks.Lock lane = s.hostsByName().size() > SMALL_POOL ? ALONE.writeLock() : ALONE.readLock();
    ScenarioRunner.Result r;
    lane.lockInterruptibly();
    try {
      r = new ScenarioRunner(s, run, System.getProperty("surefire.test.class.path"), System.out, BOOT).run(false);
    } finally {
      lane.unlock();
    }
    assertTrue(r.ok(), s.name() + ": " + s.readme() + "\n" + String.join("\n", r.failures())
        + "\nthis run's events:\n" + String.join("\n", r.events()));
  }

  @org.junit.jupiter.api.Test
  void aVappNamingAnUnknownVmIsRefused() {
    var cfg = com.typesafe.config.ConfigFactory.parseString(
        "hosts = [ { name = xa } ], vms = [ { name = db } ], vapps = [ { name = shop, vms = [db, web] } ]");
    var e = org.junit.jupiter.api.Assertions.assertThrows(Scenario.Invalid.class,
        () -> Scenario.build("t", "r", cfg, "wait 1\n", Path.of("t")));
    assertTrue(e.getMessage().contains("pool.conf: vApp shop names unknown VM web"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void storageCommandsNeedAPoolWithStorage() {
    var cfg = com.typesafe.config.ConfigFactory.parseString("hosts = [ { name = xa }, { name = xb } ]");
    for (String c : List.of("storage-link off", "expect serving xa within 5")) {
      var e = org.junit.jupiter.api.Assertions.assertThrows(Scenario.Invalid.class,
          () -> Scenario.build("t", "r", cfg, c + "\n", Path.of("t")));
      assertTrue(e.getMessage().contains("need storage = true"), e.getMessage());
    }
    var withStorage = com.typesafe.config.ConfigFactory.parseString("hosts = [ { name = xa }, { name = xb } ], storage = true");
    org.junit.jupiter.api.Assertions.assertDoesNotThrow(
        () -> Scenario.build("t", "r", withStorage, "storage-link off\nexpect serving xa within 5\n", Path.of("t")));
  }

  @org.junit.jupiter.api.Test
  void badScenariosAreNamedWithTheirLine() {
    var cfg = com.typesafe.config.ConfigFactory.parseString("hosts = [ { name = xa }, { name = xb } ]");
    for (var c : List.of(List.of("power xc off", "no host xc"), List.of("expect running nope within 5", "no VM nope"),
        List.of("xapi xa melt", "hang, unhang, slow or error"), List.of("expect journaled xa FenceConfirmed for 5",
            "journaled … within S"), List.of("dance", "unknown command"),
        List.of("fence-device xa slow abc", "slow MS must be a whole number, not \"abc\""),
        List.of("xapi xa error VM.start_on INTERNAL_ERROR two", "N must be a whole number"),
        List.of("xapi xa slow 100 VM.power_state_reset extra", "xapi HOST|all slow MS [CALL]"),
        List.of("xapi xa slow 100 power_state_reset", "CALL is an XAPI call such as VM.power_state_reset"),
        List.of("xapi xa error VM.start-on INTERNAL_ERROR 1", "CALL is an XAPI call"),
        List.of("node xa reboot", "node HOST kill|start"), List.of("witness off xc", "no host xc"),
        List.of("gateway xa maybe", "on or off"), List.of("clock-jump xa soon", "S is seconds"),
        List.of("clock-jump xa 0", "not 0"), List.of("clock-jump xa 90000", "-86400 to 86400"),
        List.of("fence-device xa fibbing", "broken, ok, lying or slow MS"), List.of("storage-link off on", "takes 1"),
        List.of("admin xa storage split-brain resolve --survivor @xc", "no host xc"))) {
      var e = org.junit.jupiter.api.Assertions.assertThrows(Scenario.Invalid.class,
          () -> Scenario.build("t", "r", cfg, "wait 1\n" + c.get(0) + "\n", Path.of("t")));
      assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains(c.get(1)), e.getMessage());
    }
  }
}
