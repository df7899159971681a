package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.controller.fence.FenceCommand;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.demo.JournalTimeline;

/**
 * Issue #7 item 7: {@code tandem fence HOST --really} on the master's host goes through its node's admin socket to
 * the same fence device and journal as any fence: the slave xb is powered off, the master's journal shows the
 * operator's request and the read-back, and the master then recovers xb's VMs as after any slave loss.
 */
@Tag("cluster")
class OperatorFenceTest {
  @Test
  void anOperatorsFenceIsJournaledAndReadBack(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 1)) {
      Instant t0 = Instant.now();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int rc = FenceCommand.run(List.of(XB, "--really", "--socket", p.cluster.adminSocket(XA).toString()),
          new PrintStream(out, true), new PrintStream(err, true));
      String said = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
      assertEquals(0, rc, said);
      assertTrue(said.contains("confirmed off"), said);
      assertFalse(p.cluster.pool.isPoweredOn(XB), "xb is off");

      List<JournalTimeline.Entry> requested = p.cluster.events(XA, "FenceRequested", t0);
      assertFalse(requested.isEmpty(), "xa journaled the request: " + p.types(XA, t0));
      assertEquals("operator: tandem fence --really", requested.get(0).text("reason"));
      assertTrue(p.journaled(XA, "FenceConfirmed", t0), "xa journaled the read-back: " + p.types(XA, t0));

      List<Vm> expected = haVmsOn(XB);
      boolean back = SimCluster.await(Duration.ofSeconds(60), () -> p.restartedBy(XA, expected, t0));
      assertTrue(back, "xa did not recover xb's VMs after the operator's fence: " + p.types(XA, t0));
      p.assertTheOneRuleHeld();
    }
  }
}
