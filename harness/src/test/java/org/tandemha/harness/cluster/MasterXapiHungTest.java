package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.SimCluster;

/**
 * The master's xapi hangs and its node dies, but the host is alive and still runs its VMs (it answers
 * ping). The winner sees a silent cluster and silent XAPI, yet must not take over without a confirmed
 * fence: the fencing gate refuses while any channel shows the peer alive (halizard-behaviour §10.2).
 */
@Tag("cluster")
class MasterXapiHungTest {

  @Test
  void aLiveMasterWithAHungXapiIsNeverTakenOver(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 0)) {
      Instant t0 = Instant.now();
      p.cluster.pool.hangXapi(XA);
      p.cluster.killNode(XA);
      boolean judged = SimCluster.await(Duration.ofSeconds(45), () -> p.journaled(XB, "TakeoverRefused", t0));
      assertTrue(judged, "xb never judged the lost master; journal: " + p.types(XB, t0));
      Thread.sleep(5000);   // and it stays so

      assertTrue(p.cluster.events(XB, "TakeoverRefused", t0).get(0).text("reason").contains("ICMP"),
          "refused because the host still answers ping: " + p.cluster.events(XB, "TakeoverRefused", t0));
      for (String type : new String[] {"FenceRequested", "TakeoverStarted", "PromotedToMaster", "VmPowerResetIssued",
          "VmRestartIssued"}) {
        assertFalse(p.journaled(XB, type, t0), type + " must not happen: " + p.types(XB, t0));
      }
      assertTrue(p.cluster.pool.isPoweredOn(XA));
      assertEquals(XA, p.cluster.pool.masterUuid());
      for (Vm v : VMS) assertEquals(0, p.cluster.pool.startCount(v.uuid()), v.name() + " never restarted");
      p.assertTheOneRuleHeld();
    }
  }
}
