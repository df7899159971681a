package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.QuorumVerdict;

class QuorumTest {
  static Stream<Arguments> cases() {
    return Stream.of(//                                              hosts reach heurSet heurAll quorate votes
        Arguments.of("2 hosts, both nodes up",                           2, 2, false, false, true, 2),
        Arguments.of("2 hosts, lone node, heuristics answer",            2, 1, true,  true,  true, 2),
        Arguments.of("2 hosts, lone node, a heuristic IP is down",       2, 1, true,  false, false, 1),
        Arguments.of("2 hosts, lone node, no heuristics configured",     2, 1, false, false, false, 1),
        Arguments.of("3 hosts, lone node: heuristics never outvote",     3, 1, true,  true,  false, 1),
        Arguments.of("3 hosts, two nodes",                               3, 2, false, false, true, 2),
        Arguments.of("4 hosts, exact tie broken by heuristics",          4, 2, true,  true,  true, 3),
        Arguments.of("4 hosts, minority of one",                         4, 1, true,  true,  false, 1),
        Arguments.of("5 hosts, three nodes",                             5, 3, false, false, true, 3),
        Arguments.of("inconsistent: more reachable than hosts",          2, 3, false, false, false, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void evaluates(String name, int hosts, int reachable, boolean heurSet, boolean heurAll, boolean quorate, int votes) {
    QuorumVerdict v = Quorum.evaluate(new Quorum.Evidence(hosts, reachable, heurSet, heurAll));
    assertEquals(quorate, v.quorate(), v.reason());
    assertEquals(votes, v.votes(), v.reason());
  }
}
