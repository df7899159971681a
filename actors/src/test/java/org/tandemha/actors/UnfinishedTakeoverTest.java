package org.tandemha.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.decide.TakeoverPlan;
import org.tandemha.actors.decide.TakeoverPlan.Step;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;

/**
 * How the journal's events leave an interrupted takeover for a restarted node to resume (issue #4 item 5):
 * table rows are event sequences and the unfinished takeover (or none) they leave.
 */
class UnfinishedTakeoverTest {
  static final HostId A = new HostId("aaaaaaaa-0000-4000-8000-00000000000a");
  static final HostId B = new HostId("bbbbbbbb-0000-4000-8000-00000000000b");
  static final HostId C = new HostId("cccccccc-0000-4000-8000-00000000000c");
  static final Instant T = Instant.parse("2026-11-29T03:12:00Z");

  static HaEvent lost(HostId h) { return new HaEvent.MasterLost(h, "node unreachable 2.0s, XAPI probes failed 3/3", T); }
  static HaEvent fenced(HostId h) { return new HaEvent.FenceConfirmed(h, "sim-power", "power read back OFF", T); }

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of("nothing journaled", List.of(), null),
        Arguments.of("master lost, not yet fenced", List.of(lost(A)),
            new HaJournal.Unfinished(A, TakeoverPlan.Kind.DEAD_MASTER, Set.of(), false)),
        Arguments.of("fenced, killed during the transition", List.of(lost(A), fenced(A),
            new HaEvent.TakeoverStarted(A, B, "fenced", T)),
            new HaJournal.Unfinished(A, TakeoverPlan.Kind.DEAD_MASTER, EnumSet.of(Step.FENCE), true)),
        Arguments.of("a fence of another host does not count", List.of(lost(A), fenced(C)),
            new HaJournal.Unfinished(A, TakeoverPlan.Kind.DEAD_MASTER, Set.of(), false)),
        Arguments.of("promoted, killed before recover_slaves", List.of(lost(A), fenced(A),
            new HaEvent.TakeoverStarted(A, B, "fenced", T), new HaEvent.PromotedToMaster(B, A, T)),
            new HaJournal.Unfinished(A, TakeoverPlan.Kind.DEAD_MASTER,
                EnumSet.of(Step.FENCE, Step.EMERGENCY_TRANSITION, Step.AWAIT_MASTER), true)),
        Arguments.of("slaves recovered, killed during the resets", List.of(lost(A), fenced(A),
            new HaEvent.PromotedToMaster(B, A, T), new HaEvent.SlavesRecovered(List.of(), T)),
            new HaJournal.Unfinished(A, TakeoverPlan.Kind.DEAD_MASTER,
                EnumSet.of(Step.FENCE, Step.EMERGENCY_TRANSITION, Step.AWAIT_MASTER, Step.RECOVER_SLAVES), true)),
        Arguments.of("storage taken over, killed before the end", List.of(lost(A), fenced(A),
            new HaEvent.PromotedToMaster(B, A, T), new HaEvent.SlavesRecovered(List.of(), T),
            new HaEvent.StorageTakenOver(A, "none", T)),
            new HaJournal.Unfinished(A, TakeoverPlan.Kind.DEAD_MASTER, EnumSet.of(Step.FENCE, Step.EMERGENCY_TRANSITION,
                Step.AWAIT_MASTER, Step.RECOVER_SLAVES, Step.RESET_VMS, Step.HAND_OVER_STORAGE), true)),
        Arguments.of("finished", List.of(lost(A), fenced(A), new HaEvent.PromotedToMaster(B, A, T),
            new HaEvent.SlavesRecovered(List.of(), T), new HaEvent.TakeoverFinished(A, B, 2, T)), null),
        Arguments.of("refused", List.of(lost(A), new HaEvent.TakeoverRefused(A, "no quorum", T)), null),
        Arguments.of("a refusal about another host leaves it", List.of(lost(A), fenced(A),
            new HaEvent.TakeoverRefused(C, "disarmed", T)),
            new HaJournal.Unfinished(A, TakeoverPlan.Kind.DEAD_MASTER, EnumSet.of(Step.FENCE), true)),
        Arguments.of("slave lost and fenced", List.of(new HaEvent.SlaveLost(C, "node unreachable", T), fenced(C)),
            new HaJournal.Unfinished(C, TakeoverPlan.Kind.DEAD_SLAVE, EnumSet.of(Step.FENCE), true)),
        Arguments.of("POOL: gone by the watchdog deadline counts as the fence", List.of(lost(A),
            new HaEvent.PeerWatchdogAwaited(A, java.time.Duration.ofSeconds(60), T.plusSeconds(70), "POOL", T),
            new HaEvent.PeerGoneByWatchdog(A, T.plusSeconds(70), "quorate, silent", T)),
            new HaJournal.Unfinished(A, TakeoverPlan.Kind.DEAD_MASTER, EnumSet.of(Step.FENCE), true)),
        Arguments.of("POOL: only awaiting the deadline is not a fence", List.of(lost(A),
            new HaEvent.PeerWatchdogAwaited(A, java.time.Duration.ofSeconds(60), T.plusSeconds(70), "POOL", T)),
            new HaJournal.Unfinished(A, TakeoverPlan.Kind.DEAD_MASTER, Set.of(), false)),
        Arguments.of("slave recovered", List.of(new HaEvent.SlaveLost(C, "node unreachable", T), fenced(C),
            new HaEvent.SlaveRecovered(C, 1, T)), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void leaves(String name, List<HaEvent> events, HaJournal.Unfinished expected) {
    HaJournal.Unfinished u = null;
    for (HaEvent e : events) u = HaJournal.unfinished(u, e);
    if (expected == null) {
      assertNull(u, name);
    } else {
      assertEquals(expected, u, name);
    }
  }

  @org.junit.jupiter.api.Test
  void aResumedTakeoverStartsWhereTheJournalLeftIt() {
    var u = new HaJournal.Unfinished(A, TakeoverPlan.Kind.DEAD_MASTER, EnumSet.of(Step.FENCE), true);
    assertEquals(Step.EMERGENCY_TRANSITION, TakeoverPlan.next(u.progress()).step());
    var promoted = new HaJournal.Unfinished(A, TakeoverPlan.Kind.DEAD_MASTER,
        EnumSet.of(Step.FENCE, Step.EMERGENCY_TRANSITION, Step.AWAIT_MASTER), true);
    assertEquals(Step.RECOVER_SLAVES, TakeoverPlan.next(promoted.progress()).step());
  }
}
