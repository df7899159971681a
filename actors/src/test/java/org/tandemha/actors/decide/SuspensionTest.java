package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.decide.FencingGate.Action;

class SuspensionTest {
  static final Optional<Action> NO_GATE = Optional.empty();
  static final Optional<Action> SUSPEND = Optional.of(Action.SUSPEND);
  static final Optional<Action> REFUSE = Optional.of(Action.REFUSE);
  static final Optional<Action> FENCE = Optional.of(Action.FENCE_NOW);

  static Suspension.Evidence ev(boolean suspended, Optional<Action> gate, boolean reachable, boolean healthy,
                                boolean resumed) {
    return new Suspension.Evidence(suspended, gate, reachable, healthy, resumed);
  }

  static Stream<Arguments> cases() {
    return Stream.of(//                                                         susp  gate     reach  healthy resumed  suspended changed
        Arguments.of("§3.7 winner cannot fence, no quorum: suspend (no reboot)",  ev(false, SUSPEND, false, false, false), true,  true),
        Arguments.of("gate refused for another reason: not suspended",           ev(false, REFUSE,  false, false, false), false, false),
        Arguments.of("gate let the fence through: not suspended",                ev(false, FENCE,   false, false, false), false, false),
        Arguments.of("§3.3.1 suspended, master reachable, not healthy: stays",   ev(true,  NO_GATE, true,  false, false), true,  false),
        Arguments.of("§3.3.1 master reports healthy: suspension cleared",        ev(true,  NO_GATE, true,  true,  false), false, true),
        Arguments.of("§3.7 operator resumes (recover_fenced_host): cleared",     ev(true,  NO_GATE, false, false, true),  false, true),
        Arguments.of("§3.7 operator resume with nothing suspended: no change",   ev(false, NO_GATE, true,  true,  true),  false, false),
        Arguments.of("§3.7 RISK service restarts, master still gone: stays, no reboot loop", ev(true, SUSPEND, false, false, false), true, false),
        Arguments.of("§3.4.1 suspended, master unreachable: stays, never promotes", ev(true, NO_GATE, false, false, false), true, false),
        Arguments.of("§10.1.5 suspended winner, master unreachable: no promotion", ev(true, FENCE,   false, false, false), true,  false),
        Arguments.of("healthy tag seen while master unreachable (stale): stays", ev(true,  NO_GATE, false, true,  false), true,  false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, Suspension.Evidence e, boolean suspended, boolean changed) {
    Suspension.Verdict v = Suspension.next(e);
    assertEquals(suspended, v.suspended(), v::reason);
    assertEquals(!suspended, v.mayPromote(), v::reason);
    assertEquals(!suspended, v.mayManageVms(), v::reason);
    assertEquals(changed, v.changed(), v::reason);
  }
}
