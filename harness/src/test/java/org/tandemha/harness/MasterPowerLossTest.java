package org.tandemha.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.demo.DemoPool;
import org.tandemha.harness.demo.JournalTimeline;
import org.tandemha.harness.demo.MasterPowerLossRehearsal;

/**
 * Two node JVMs on the simulated pool; the master's node is killed with SIGKILL and its host powered off.
 * The survivor must fence, take over and restart every HA VM exactly once — and nothing else.
 */
@Tag("cluster")
class MasterPowerLossTest {

  @Test
  void survivorRestartsEveryHaVmOnceAndLeavesTheOthersHalted(@TempDir Path run) throws Exception {
    var options = new MasterPowerLossRehearsal.Options(run, System.getProperty("surefire.test.class.path"),
        Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(90), Duration.ofSeconds(2), Duration.ofSeconds(90),
        Duration.ofSeconds(3), System.out);
    MasterPowerLossRehearsal.Result r;
    try (var rehearsal = new MasterPowerLossRehearsal(options)) {
      r = rehearsal.run();
    }
    assertTrue(r.ok(), r.reason());
    for (DemoPool.DemoVm vm : DemoPool.haVmsExpectedBack()) {
      assertEquals("Running", r.powerStates().get(vm.name()), vm.name());
      assertEquals(1, r.startCounts().get(vm.name()), vm.name() + " must run exactly once");
    }
    assertEquals("Halted", r.powerStates().get("build-scratch"), "HA-disabled VM stays halted");
    assertEquals(0, r.startCounts().get("build-scratch"));
    assertEquals("Halted", r.powerStates().get("new-unstarted"), "never-started VM stays halted");
    assertEquals(0, r.startCounts().get("new-unstarted"));

    // The journal holds the decisions in the order the safety rule demands: fenced before anything moved.
    List<String> types = r.survivorJournal().stream().map(JournalTimeline.Entry::type).collect(Collectors.toList());
    int fenced = types.indexOf("FenceConfirmed");
    int lost = types.indexOf("MasterLost");
    int quorum = types.subList(lost, types.size()).indexOf("QuorumEvaluated") + lost;
    assertTrue(lost >= 0 && quorum > lost && fenced > quorum, "lost, then quorum, then fence: " + types);
    assertTrue(fenced < types.indexOf("TakeoverStarted") && fenced < types.indexOf("VmPowerResetIssued")
        && fenced < types.indexOf("VmRestartIssued"), "nothing moved before the fence: " + types);
    assertEquals(4, types.stream().filter("VmRestarted"::equals).count());

    // Secrets (issue #11): the pool's XAPI password is only in its 0600 file, in no log or journal of the run.
    List<Path> scanned;
    try (var files = java.nio.file.Files.walk(run)) {
      scanned = files.filter(java.nio.file.Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().endsWith(".pass") && !f.getFileName().toString().endsWith(".p12"))
          .toList();
    }
    assertTrue(scanned.stream().anyMatch(f -> f.toString().endsWith(".log")), "the node logs were scanned: " + scanned);
    for (Path f : scanned) {
      String text = new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertTrue(!text.contains(DemoPool.PASSWORD), "the XAPI password appears in " + f);
    }
  }
}
