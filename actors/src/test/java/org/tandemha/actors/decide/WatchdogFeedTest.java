package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tandemha.actors.decide.WatchdogFeed.Action.FEED;
import static org.tandemha.actors.decide.WatchdogFeed.Action.STARVE;
import static org.tandemha.actors.decide.WatchdogFeed.Action.WAIT;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WatchdogFeedTest {
  static Stream<Arguments> cases() {
    return Stream.of(//                                                  armed  quorate peerMayBeQuorate
        Arguments.of("started alone, no quorum yet: device left closed",    false, false, true,  WAIT),
        Arguments.of("started, no quorum, no other side either: closed",    false, false, false, WAIT),
        Arguments.of("first quorum: arm",                                   false, true,  true,  FEED),
        Arguments.of("quorate: feed",                                       true,  true,  true,  FEED),
        Arguments.of("quorate by tie-break: feed (the peer's gate ignores the watchdog in a tie)", true, true, false, FEED),
        Arguments.of("lost quorum, another side may hold it: starve",       true,  false, true,  STARVE),
        Arguments.of("lost quorum, nobody can be quorate: feed, nobody takes over", true, false, false, FEED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void judges(String name, boolean armed, boolean quorate, boolean peerMayBeQuorate, WatchdogFeed.Action action) {
    WatchdogFeed.Decision d = WatchdogFeed.judge(new WatchdogFeed.Evidence(armed, quorate, peerMayBeQuorate));
    assertEquals(action, d.action(), d.reason());
  }
}
