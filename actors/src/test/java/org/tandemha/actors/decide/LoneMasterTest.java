package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LoneMasterTest {
  static LoneMaster.Evidence ev(int reachable, int failed, boolean quorate, boolean rebootLone, boolean rebooted) {
    return new LoneMaster.Evidence(reachable, failed, quorate, rebootLone, rebooted);
  }

  static Stream<Arguments> cases() {
    return Stream.of(//                                                       reach fail quorate lone  rebooted   block  reboot flag
        Arguments.of("§2.5.1 alone, FENCE_REBOOT_LONE_HOST=0: block only",        ev(0, 1, false, false, false), true,  false, false),
        Arguments.of("§2.5.2 alone, =1, not yet rebooted: persist flag, reboot",  ev(0, 1, false, true,  false), true,  true,  true),
        Arguments.of("§2.5.2 alone, =1, already rebooted: block, no reboot loop", ev(0, 2, false, true,  true),  true,  false, true),
        Arguments.of("§2.5.3 iteration without failures resets the flag",         ev(1, 0, true,  true,  true),  false, false, false),
        Arguments.of("§2.5.3 no slave reachable but none failed: reset too",      ev(0, 0, false, true,  true),  false, false, false),
        Arguments.of("§2.5 a slave still reachable: not alone, no block",         ev(1, 1, false, true,  false), false, false, false),
        Arguments.of("§2.5 quorate (e.g. witness): not alone, no block",          ev(0, 1, true,  true,  false), false, false, false),
        Arguments.of("§2.5 failure while the flag is set keeps it",               ev(1, 1, true,  true,  true),  false, false, true),
        Arguments.of("§2.5.4 2-node noSAN, master lost its network: reboot once", ev(0, 1, false, true,  false), true,  true,  true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void assesses(String name, LoneMaster.Evidence e, boolean block, boolean reboot, boolean flag) {
    LoneMaster.Decision d = LoneMaster.assess(e);
    assertEquals(block, d.blockFencing(), d::reason);
    assertEquals(reboot, d.reboot(), d::reason);
    assertEquals(flag, d.rebootedFlag(), d::reason);
  }
}
