package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.VM;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.demo.JournalTimeline;

/**
 * Issue #5 items 4–6 on one pool, in turn: (1) a stray copy of app-a1 appears on xb while XAPI has it on xa —
 * xb's node destroys its own copy, journaled; (2) an administrator hard-shuts app-a1 down (HA-Lizard semantics:
 * it comes back, noticed through event.from) and its start on xa fails — it starts on xb; (3) xb loses power
 * and its disks stay attached to it in the VDIs' sm_config — the master's first starts fail with
 * SR_BACKEND_FAILURE_46, the attachments of the fenced xb are released (journaled) and each VM starts on retry.
 */
@Tag("cluster")
class RestartPlacementTest {

  @Test
  void duplicatesDieFailedStartsMoveOnAndDeadHostsDisksAreReleased(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run)
      throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 0)) {
      Vm a1 = VMS.get(0);

      // (1) A duplicate on xb.
      Instant t0 = Instant.now();
      p.cluster.pool.spawnStrayDomain(XB, a1.uuid());
      boolean gone = SimCluster.await(Duration.ofSeconds(30), () -> !p.cluster.pool.domainsOn(XB).contains(a1.uuid()));
      assertTrue(gone, "xb's stray copy of app-a1 not destroyed within 30 s; xb " + p.types(XB, t0));
      List<JournalTimeline.Entry> dup = p.cluster.events(XB, "DuplicateDomainDestroyed", t0);
      assertEquals(1, dup.size(), dup.toString());
      assertTrue(p.cluster.pool.domainsOn(XA).contains(a1.uuid()), "XAPI's copy on xa untouched");
      assertEquals("Running", p.cluster.pool.vmPowerState(a1.uuid()));
      List<String> breaches = p.cluster.pool.safetyBreaches();
      assertEquals(1, breaches.size(), "only the injected duplicate: " + breaches);
      assertTrue(breaches.get(0).contains(a1.name()), breaches.toString());

      // (2) An administrator's shutdown; the start on xa (the first choice: most free memory) fails.
      Instant t1 = Instant.now();
      p.cluster.pool.failStartsOn(XA, 1, "HOST_NOT_ENOUGH_FREE_MEMORY", "1073741824", "0");
      Connection c = new Connection(new URL("http://" + ADDR_A + ":" + p.cluster.xapiPort()));
      Session.loginWithPassword(c, "root", "cluster-test-password");
      VM.getByUuid(c, a1.uuid()).hardShutdown(c);
      boolean moved = SimCluster.await(Duration.ofSeconds(30), () -> p.running(a1)
          && XB.equals(p.cluster.pool.vmResidentOnUuid(a1.uuid()))
          && p.cluster.events(XA, "VmRestarted", t1).stream().anyMatch(e -> e.text("on").equals(XB)));
      assertTrue(moved, "app-a1 not running on xb within 30 s; xa " + p.types(XA, t1));
      List<JournalTimeline.Entry> failed = p.cluster.events(XA, "VmRestartFailed", t1);
      assertTrue(failed.stream().anyMatch(e -> e.text("error").contains("HOST_NOT_ENOUGH_FREE_MEMORY")), failed.toString());

      // (3) xb's power loss leaves its disks attached to it.
      Instant t2 = Instant.now();
      p.cluster.pool.vdiAttachmentsOutlivePower(true);
      List<Vm> onXb = List.of(VMS.get(3), VMS.get(4), a1);
      p.cluster.powerLoss(XB);
      boolean back = SimCluster.await(Duration.ofSeconds(60), () -> onXb.stream().allMatch(p::running)
          && p.cluster.events(XA, "VmRestarted", t2).size() >= onXb.size());
      assertTrue(back, "xb's VMs not back within 60 s; xa " + p.types(XA, t2));
      assertTrue(p.cluster.events(XA, "VdiReleased", t2).size() >= onXb.size(),
          "each VM's disk released from the fenced xb: " + p.cluster.events(XA, "VdiReleased", t2));
      for (Vm v : onXb) {
        assertEquals(Set.of(XA), p.cluster.pool.vdiAttachedOn(v.uuid()), v.name() + "'s disk attached on xa only");
        assertEquals(1, p.cluster.events(XA, "VmRestarted", t2).stream().filter(e -> e.text("name").equals(v.name()))
            .count(), v.name() + " started once");
      }
      assertFalse(p.cluster.pool.safetyBreaches().size() > 1, "nothing but the injected duplicate: "
          + p.cluster.pool.safetyBreaches());
    }
  }
}
