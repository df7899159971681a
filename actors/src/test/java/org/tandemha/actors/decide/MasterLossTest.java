package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tandemha.actors.decide.MasterLoss.Action.FENCE_AND_TAKE_OVER;
import static org.tandemha.actors.decide.MasterLoss.Action.KEEP_WATCHING;
import static org.tandemha.actors.decide.MasterLoss.Action.STAND_BY;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.HostId;

class MasterLossTest {
  static final HostId SELF = new HostId("bbbb");
  static final HostId OTHER = new HostId("cccc");

  static MasterLoss.Evidence ev(boolean unreachable, int failed, boolean ha, Optional<HostId> winner) {
    return new MasterLoss.Evidence(SELF, unreachable, failed, 3, ha, winner);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("node reachable: XAPI trouble alone is no loss", ev(false, 3, true, Optional.of(SELF)), KEEP_WATCHING),
        Arguments.of("one lost probe never triggers a fence",        ev(true, 1, true, Optional.of(SELF)), KEEP_WATCHING),
        Arguments.of("probes not all failed yet",                    ev(true, 2, true, Optional.of(SELF)), KEEP_WATCHING),
        Arguments.of("confirmed, this host is the winner",           ev(true, 3, true, Optional.of(SELF)), FENCE_AND_TAKE_OVER),
        Arguments.of("confirmed, another host is the winner",        ev(true, 3, true, Optional.of(OTHER)), STAND_BY),
        Arguments.of("confirmed, no winner known",                   ev(true, 3, true, Optional.empty()), STAND_BY),
        Arguments.of("confirmed, pool HA disabled",                  ev(true, 3, false, Optional.of(SELF)), STAND_BY),
        Arguments.of("§3.2 autopromote file missing: not eligible",  ev(true, 3, true, Optional.empty()), STAND_BY),
        Arguments.of("§3.2 eligible iff this host is the winner",    ev(true, 3, true, Optional.of(SELF)), FENCE_AND_TAKE_OVER),
        Arguments.of("§3.4.2 ha_lizard_enabled false: exit",         ev(true, 3, false, Optional.of(SELF)), STAND_BY),
        Arguments.of("§3.4.4 a probe inside XAPI_COUNT: keep trying", ev(true, 2, true, Optional.of(SELF)), KEEP_WATCHING),
        Arguments.of("§3.4.5b not the winner: manual intervention",  ev(true, 3, true, Optional.of(OTHER)), STAND_BY),
        Arguments.of("§3.4.1 suspended winner never promotes",
            new MasterLoss.Evidence(SELF, true, 3, 3, true, Optional.of(SELF), true), STAND_BY),
        Arguments.of("suspended, master reachable: keep watching",
            new MasterLoss.Evidence(SELF, false, 0, 3, true, Optional.of(SELF), true), KEEP_WATCHING));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void assesses(String name, MasterLoss.Evidence e, MasterLoss.Action expected) {
    MasterLoss.Decision d = MasterLoss.assess(e);
    assertEquals(expected, d.action(), d.reason());
  }
}
