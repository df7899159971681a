package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.demo.JournalTimeline;

/**
 * Issue #7 items 4 and 6: HA-Lizard's POOL method powers nothing off, so a host "fenced" by it is taken over only
 * once its self-fence watchdog has provably fired. Both hosts arm a (simulated) watchdog of 8 s; the slave xb is cut
 * from xa, the witness and the gateway. xb, without quorum while xa and the witness hold it, stops feeding its
 * watchdog, which switches xb off; xa, with the majority, waits xb's advertised timeout plus the margin after it
 * lost contact, finds nothing answering, and only then restarts xb's HA VMs.
 */
@Tag("cluster")
class PoolWatchdogTest {
  static final String CONFIG = """
      tandem.fence.method = POOL
      tandem.sim.watchdog-timeout = 8s
      """;

  @Test
  void aPoolFenceWaitsForThePeersWatchdog(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 1, CONFIG)) {
      assertTrue(p.journaled(XB, "WatchdogArmed", Instant.EPOCH), "xb armed its watchdog once quorate");
      // xa learns of it from xb's adverts, sent to the watchdog actors the receptionist lists: seconds after the
      // cluster formed (a host cut off before that is refused a takeover, as when it arms none: safe, not tested here).
      assertTrue(SimCluster.await(Duration.ofSeconds(30), () -> p.cluster.logContains(XA, "watchdog of peer " + XB
          + ": armed")), "xa never heard xb's watchdog advert");
      Instant t0 = Instant.now();
      p.cluster.pool.isolate(XB);
      List<Vm> expected = haVmsOn(XB);
      boolean back = SimCluster.await(Duration.ofSeconds(90), () -> p.restartedBy(XA, expected, t0));
      if (!back) p.dumpLogs();
      assertTrue(back, "xa did not restart xb's VMs; xa " + p.types(XA, t0) + " xb " + p.types(XB, t0));

      assertFalse(p.cluster.pool.isPoweredOn(XB), "xb's watchdog switched it off");
      assertTrue(p.journaled(XB, "WatchdogFeeding", t0), "xb journaled that it stopped feeding: " + p.types(XB, t0));
      Instant awaited = at(p, XA, "PeerWatchdogAwaited", t0);
      Instant recovered = at(p, XA, "SlaveRecovered", t0);
      assertTrue(Duration.between(t0, recovered).compareTo(Duration.ofSeconds(18)) >= 0,
          "taken over no earlier than the watchdog's 8 s + 10 s margin after contact was lost: " + awaited + " → " + recovered);
      assertFalse(p.journaled(XA, "FenceConfirmed", t0), "POOL confirms no fence: " + p.types(XA, t0));
      for (Vm v : expected) assertEquals(XA, p.cluster.pool.vmResidentOnUuid(v.uuid()), v.name());
      p.assertTheOneRuleHeld();
    }
  }

  /**
   * The partial partition a witness cannot break: xa and xb lose each other while the witness reaches both, so
   * both sides are quorate (2 of 3) and both keep feeding their watchdogs. Each side's POOL takeover waits for the
   * other's deadline and then hears of it through the witness (which relays the hosts' watchdog adverts): alive,
   * nothing taken over.
   */
  @Test
  void aPartialPartitionTakesNothingOver(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 1, CONFIG)) {
      Instant t0 = Instant.now();
      p.cluster.pool.partition(XA, XB);
      // xb's adverts still reach xa through the witness: the gate refuses at once (alive, cut from xa only); were
      // the relay late, the watchdog deadline's own check refuses it ("heard of").
      boolean judged = SimCluster.await(Duration.ofSeconds(60), () -> p.cluster.events(XA, "TakeoverRefused", t0)
          .stream().anyMatch(e -> e.text("reason").contains("reachable via cluster") || e.text("reason").contains("heard of")));
      if (!judged) p.dumpLogs();
      assertTrue(judged, "xa did not refuse xb as alive elsewhere; xa " + p.types(XA, t0));
      Thread.sleep(3000);
      assertTrue(p.cluster.pool.isPoweredOn(XA) && p.cluster.pool.isPoweredOn(XB), "both hosts keep running");
      assertFalse(p.journaled(XA, "PeerGoneByWatchdog", t0), "xa: " + p.types(XA, t0));
      assertFalse(p.journaled(XB, "PeerGoneByWatchdog", t0), "xb: " + p.types(XB, t0));
      for (Vm v : VMS) {
        if (v.ha()) assertEquals(v.host(), p.cluster.pool.vmResidentOnUuid(v.uuid()), v.name() + " stays where it runs");
      }
      assertEquals(XA, p.cluster.pool.masterUuid());
      p.assertTheOneRuleHeld();
    }
  }

  private static Instant at(TwoHostPool p, String host, String type, Instant since) {
    return p.cluster.events(host, type, since).stream().map(JournalTimeline::atOf).findFirst()
        .orElseThrow(() -> new AssertionError(host + " did not journal " + type + ": " + p.types(host, since)));
  }
}
