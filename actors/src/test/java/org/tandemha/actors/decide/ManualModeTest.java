package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.decide.ManualMode.Verb;
import org.tandemha.actors.decide.StorageReconcile.Manual;

/** Issue #8 item 5: iSCSI-HA's manual-mode rules and messages, every resource checked on its own. */
class ManualModeTest {
  static ManualMode.Evidence ev(Manual manual, boolean master, List<Boolean> primary, List<Boolean> peerPrimary,
                                boolean ipLocal, boolean ipElsewhere) {
    return new ManualMode.Evidence(Optional.ofNullable(manual), master, List.of("r0", "r1"), primary, peerPrimary,
        ipLocal, ipElsewhere, "10.77.0.100");
  }

  static final List<Boolean> BOTH = List.of(true, true), NONE = List.of(false, false), FIRST = List.of(true, false);

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of("enable from automatic", Verb.ENABLE, ev(null, true, BOTH, NONE, true, false), true, Manual.HOLD, "now in manual mode"),
        Arguments.of("enable twice", Verb.ENABLE, ev(Manual.HOLD, true, BOTH, NONE, true, false), false, Manual.HOLD, "already enabled"),
        Arguments.of("disable: master with every resource Primary", Verb.DISABLE, ev(Manual.HOLD, true, BOTH, NONE, true, false), true, null, "exited manual mode"),
        Arguments.of("disable: slave with every resource Secondary", Verb.DISABLE, ev(Manual.SECONDARY, false, NONE, NONE, false, false), true, null, "exited manual mode"),
        Arguments.of("disable refused: slave, a resource Primary", Verb.DISABLE, ev(Manual.PRIMARY, false, FIRST, NONE, true, false), false, Manual.PRIMARY, "(r0) is in Primary mode but this is not the pool master"),
        Arguments.of("disable refused: master, the second resource Secondary (iSCSI-HA missed it)", Verb.DISABLE, ev(Manual.HOLD, true, FIRST, NONE, true, false), false, Manual.HOLD, "(r1) is in Secondary mode but this is the pool master"),
        Arguments.of("disable when automatic", Verb.DISABLE, ev(null, true, BOTH, NONE, true, false), false, null, "not enabled"),
        Arguments.of("become-primary needs manual mode", Verb.BECOME_PRIMARY, ev(null, false, NONE, NONE, false, false), false, null, "must be in manual mode"),
        Arguments.of("become-primary refused: peer Primary on r1", Verb.BECOME_PRIMARY, ev(Manual.HOLD, false, NONE, List.of(false, true), false, false), false, Manual.HOLD, "Peer DRBD role detected as Primary (r1)"),
        Arguments.of("become-primary refused: IP answers elsewhere", Verb.BECOME_PRIMARY, ev(Manual.HOLD, false, NONE, NONE, false, true), false, Manual.HOLD, "Virtual IP 10.77.0.100 detected on network"),
        Arguments.of("become-primary", Verb.BECOME_PRIMARY, ev(Manual.HOLD, false, NONE, NONE, false, false), true, Manual.PRIMARY, "becoming primary"),
        Arguments.of("become-secondary needs manual mode", Verb.BECOME_SECONDARY, ev(null, true, BOTH, NONE, true, false), false, null, "must be in manual mode"),
        Arguments.of("become-secondary: no peer checks", Verb.BECOME_SECONDARY, ev(Manual.PRIMARY, true, BOTH, List.of(true, true), true, false), true, Manual.SECONDARY, "becoming secondary"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void rules(String name, Verb verb, ManualMode.Evidence e, boolean accepted, Manual after, String message) {
    ManualMode.Outcome o = ManualMode.apply(verb, e);
    assertEquals(accepted, o.accepted(), o.lines().toString());
    assertEquals(Optional.ofNullable(after), o.manual(), o.lines().toString());
    assertTrue(String.join("\n", o.lines()).contains(message), o.lines().toString());
  }
}
