package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tandemha.actors.decide.Isolation.Action.HARD_STOP;
import static org.tandemha.actors.decide.Isolation.Action.NOTHING;
import static org.tandemha.actors.decide.Isolation.Action.WAIT;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IsolationTest {
  static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  static final Duration TOL_5S = Isolation.DEFAULT_TOLERANCE;

  /** Quorum last held at T0; now is T0 + seconds. */
  static Isolation.Evidence ev(boolean quorate, int seconds, boolean vms, boolean storage) {
    return new Isolation.Evidence(quorate, Optional.of(T0), T0.plusSeconds(seconds), TOL_5S, vms, storage);
  }

  static Stream<Arguments> cases() {
    return Stream.of(//                                                        quorate  now vms  storage  action   stop  demote
        Arguments.of("quorate: nothing to do",                                    ev(true,  60, true,  true),  NOTHING,   false, false),
        Arguments.of("§2.1.2 no quorum, tolerance not yet passed: wait",          ev(false,  4, true,  true),  WAIT,      false, false),
        Arguments.of("§2.1.2a no quorum for the tolerance, VMs here: hard stop",  ev(false,  5, true,  false), HARD_STOP, true,  false),
        Arguments.of("no quorum, VMs and storage here: stop and demote",          ev(false,  9, true,  true),  HARD_STOP, true,  true),
        Arguments.of("no quorum, storage only: demote",                           ev(false,  9, false, true),  HARD_STOP, false, true),
        Arguments.of("no quorum, nothing here: nothing to stop",                  ev(false,  9, false, false), NOTHING,   false, false),
        Arguments.of("§2.1.2a repeats while isolated",                            ev(false, 60, true,  false), HARD_STOP, true,  false),
        Arguments.of("§10.1.3 switch failure, carrier up, no quorum: hard stop",  ev(false,  6, true,  true),  HARD_STOP, true,  true),
        Arguments.of("exact tie without heuristics: no side can take over, nothing stops",
            new Isolation.Evidence(false, Optional.of(T0), T0.plusSeconds(60), TOL_5S, true, true, false),      NOTHING,   false, false),
        Arguments.of("minority of a witness pool: the majority may take over, hard stop",
            new Isolation.Evidence(false, Optional.of(T0), T0.plusSeconds(6), TOL_5S, true, false, true),       HARD_STOP, true,  false),
        Arguments.of("never quorate since start: counts from now, wait",
            new Isolation.Evidence(false, Optional.empty(), T0, TOL_5S, true, true),                         WAIT,      false, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void assesses(String name, Isolation.Evidence e, Isolation.Action action, boolean stop, boolean demote) {
    Isolation.Decision d = Isolation.assess(e);
    assertEquals(action, d.action(), d::reason);
    assertEquals(stop, d.stopVms(), d::reason);
    assertEquals(demote, d.demoteStorage(), d::reason);
  }
}
