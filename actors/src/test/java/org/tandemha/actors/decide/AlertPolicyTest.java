package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.VmId;

/**
 * Issue #9 item 7: which decisions alert, how urgently, and that every self-fence, suspension, fence and takeover
 * does (HA-Lizard sent nothing on a self-fence or a suspension); the duplicate window of MAIL_SCREEN_TIME.
 */
class AlertPolicyTest {
  static final HostId XS1 = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a01");
  static final HostId XS2 = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a02");
  static final VmId VM = new VmId("b0e1c2d3-0001-4000-8000-0000000c0f01");
  static final Instant T = Instant.parse("2026-11-30T03:00:00Z");

  static String name(HostId h) { return h.equals(XS1) ? "xs1" : h.equals(XS2) ? "xs2" : h.uuid(); }

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of(new HaEvent.MasterLost(XS1, "node unreachable 2.1s", T), 1, true, "pool master xs1 lost"),
        Arguments.of(new HaEvent.SlaveLost(XS2, "XAPI probes failed 3/3", T), 2, true, "host xs2 lost"),
        Arguments.of(new HaEvent.FenceConfirmed(XS2, "fence_ipmilan@10.0.0.5", "power read back OFF", T), 2, true, "xs2 fenced"),
        Arguments.of(new HaEvent.FenceFailed(XS2, "fence_ipmilan@10.0.0.5", "timeout", T), 1, true, "fencing xs2 FAILED"),
        Arguments.of(new HaEvent.TakeoverStarted(XS1, XS2, "fence confirmed", T), 1, true, "takeover of xs1 started"),
        Arguments.of(new HaEvent.TakeoverFinished(XS1, XS2, 3, T), 2, true, "takeover of xs1 finished"),
        Arguments.of(new HaEvent.TakeoverRefused(XS1, "no quorum", T), 1, true, "takeover of xs1 refused"),
        Arguments.of(new HaEvent.Suspended(XS2, "master unreachable, not the winner", T), 1, true, "HA SUSPENDED on xs2"),
        Arguments.of(new HaEvent.SuspensionCleared(XS2, "master marked it healthy", T), 3, true, "HA resumed on xs2"),
        Arguments.of(new HaEvent.LoneMasterReboot(XS1, "slaves and heuristics lost", T), 1, true, "xs1 SELF-FENCES (reboots)"),
        Arguments.of(new HaEvent.IsolationHardStop(XS1, List.of("db-01"), "management link lost 5s", T), 1, true, "xs1 SELF-FENCES (stops its VMs)"),
        Arguments.of(new HaEvent.WatchdogFeeding(XS1, false, "quorum lost", T), 1, true, "xs1 SELF-FENCES (watchdog starved)"),
        Arguments.of(new HaEvent.SplitBrain(XS1, "r0", true, "recorded", T), 1, true, "DRBD SPLIT BRAIN of r0 on xs1"),
        Arguments.of(new HaEvent.StorageStepFailed(XS1, "START_TARGET", "", "tgtd: exit 1", T), 2, true, "storage step START_TARGET FAILED on xs1"),
        Arguments.of(new HaEvent.StorageBlocked(XS1, "peer not fenced", T), 3, false, "storage promotion held back on xs1"),
        Arguments.of(new HaEvent.VmRestartFailed(VM, "db-01", XS2, "NO_HOSTS_AVAILABLE", T), 2, true, "VM db-01 did not start"),
        Arguments.of(new HaEvent.VmRestarted(VM, "db-01", XS2, T), 3, false, "VM db-01 restarted"),
        Arguments.of(new HaEvent.ArmingChanged(false, "pool other-config tandem_armed=false", T), 2, true, "Tandem DISARMED"),
        Arguments.of(new HaEvent.ConfigChanged("pool", "k", "a", "b", "root via tandem", T), 3, false, "setting k changed"));
  }

  @ParameterizedTest(name = "{3}")
  @MethodSource("rows")
  void eachDecisionHasItsAlert(HaEvent e, int priority, boolean on, String title) {
    AlertPolicy.Draft d = AlertPolicy.of(e, AlertPolicyTest::name).orElseThrow();
    assertEquals(priority, d.priority());
    assertEquals(on, d.defaultOn());
    assertEquals(title, d.title());
    assertFalse(d.what().isBlank() || d.action().isBlank(), "says what happened and what to do: " + d);
  }

  @Test
  void routineDecisionsNeverAlertAndAFedWatchdogIsNoSelfFence() {
    assertEquals(Optional.empty(), AlertPolicy.of(new HaEvent.QuorumEvaluated(2, 2, true, List.of(), "ok", T), AlertPolicyTest::name));
    assertEquals(Optional.empty(), AlertPolicy.of(new HaEvent.WatchdogFeeding(XS1, true, "quorate", T), AlertPolicyTest::name));
    assertEquals(Optional.empty(), AlertPolicy.of(new HaEvent.VmRestartIssued(VM, "db-01", XS2, "halted", T), AlertPolicyTest::name));
  }

  @Test
  void switchesOverrideTheDefaults() {
    AlertPolicy.Draft restarted = AlertPolicy.of(new HaEvent.VmRestarted(VM, "db-01", XS2, T), AlertPolicyTest::name).orElseThrow();
    AlertPolicy.Draft fenced = AlertPolicy.of(new HaEvent.FenceFailed(XS2, "d", "r", T), AlertPolicyTest::name).orElseThrow();
    assertFalse(AlertPolicy.enabled(restarted, Map.of()));
    assertTrue(AlertPolicy.enabled(restarted, Map.of("VmRestarted", true)));
    assertFalse(AlertPolicy.enabled(fenced, Map.of("FenceFailed", false)));
  }

  @Test
  void theScreenSuppressesTheSameWordsWithinTheWindowOnly() {
    AlertPolicy.Screen s = new AlertPolicy.Screen(Duration.ofMinutes(60));
    assertTrue(s.admit("a", T));
    assertFalse(s.admit("a", T.plusSeconds(59 * 60)));
    assertTrue(s.admit("b", T.plusSeconds(60)));
    assertTrue(s.admit("a", T.plusSeconds(60 * 60)), "the window has passed");
    s.forget();
    assertTrue(s.admit("b", T.plusSeconds(61)));
  }
}
