package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.FenceOutcome;
import org.tandemha.protocol.HostId;

class PeerGoneTest {
  static final Instant T0 = Instant.parse("2026-11-22T03:12:00Z");
  static final HostId PEER = new HostId("aaaa");
  static final Optional<FenceOutcome> NO_FENCE = Optional.empty();
  static final Optional<FenceOutcome> OFF = Optional.of(new FenceOutcome.Confirmed(PEER, "pdu", "read back OFF", T0));
  static final Optional<FenceOutcome> FAILED = Optional.of(new FenceOutcome.Failed(PEER, "pdu", "timeout", T0));
  static final Optional<Duration> NO_WD = Optional.empty();
  static final Optional<Duration> WD_60S = Optional.of(Duration.ofSeconds(60));

  static PeerGone.Evidence ev(boolean answers, Optional<FenceOutcome> fence, boolean declared, Optional<Duration> wd,
                              long secondsSinceContact) {
    return new PeerGone.Evidence(answers, fence, declared, wd, T0, T0.plusSeconds(secondsSinceContact));
  }

  static Stream<Arguments> cases() {
    return Stream.of(//                                    answers fence     declared watchdog since
        Arguments.of("unreachable alone is never enough",    ev(false, NO_FENCE, false, NO_WD, 900), false),
        Arguments.of("fence confirmed off",                  ev(false, OFF, false, NO_WD, 5), true),
        Arguments.of("fence failed",                         ev(false, FAILED, false, NO_WD, 5), false),
        Arguments.of("fence says off but the peer answers",  ev(true, OFF, false, NO_WD, 0), false),
        Arguments.of("watchdog deadline not yet passed",     ev(false, NO_FENCE, false, WD_60S, 70), false),
        Arguments.of("watchdog deadline passed",             ev(false, NO_FENCE, false, WD_60S, 71), true),
        Arguments.of("operator declared it dead",            ev(false, NO_FENCE, true, NO_WD, 1), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void judges(String name, PeerGone.Evidence evidence, boolean gone) {
    PeerGone.Verdict v = PeerGone.judge(evidence);
    assertEquals(gone, v.gone(), v::reason);
  }
}
