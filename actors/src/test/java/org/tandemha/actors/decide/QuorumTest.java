package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.QuorumVerdict;

class QuorumTest {
  static Quorum.Evidence ev(int hosts, int reach, int wit, int witReach, boolean heurSet, boolean heurAll) {
    return new Quorum.Evidence(hosts, reach, wit, witReach, heurSet, heurAll);
  }

  static Stream<Arguments> cases() {
    return Stream.of(//                                                    hosts reach wit up heurSet heurAll   quorate tie  votes
        Arguments.of("§2.4 2 hosts: self + peer",                            ev(2, 2, 0, 0, false, false), true,  false, 2),
        Arguments.of("§2.4 2 hosts: self + heuristic breaks the tie",        ev(2, 1, 0, 0, true,  true),  true,  true,  2),
        Arguments.of("§2.4 2 hosts: a heuristic IP is down",                 ev(2, 1, 0, 0, true,  false), false, true,  1),
        Arguments.of("§2.4 2 hosts: heuristics disabled",                    ev(2, 1, 0, 0, false, true),  false, true,  1),
        Arguments.of("§2.4 3 hosts need 2: two nodes",                       ev(3, 2, 0, 0, false, false), true,  false, 2),
        Arguments.of("§2.4 4 hosts need 3: three nodes",                     ev(4, 3, 0, 0, false, false), true,  false, 3),
        Arguments.of("§2.4 4 hosts: exact tie broken by heuristics",         ev(4, 2, 0, 0, true,  true),  true,  true,  3),
        Arguments.of("§2.4 4 hosts: minority of one, heuristics no help",    ev(4, 1, 0, 0, true,  true),  false, false, 1),
        Arguments.of("§2.4 5 hosts need 3: three nodes",                     ev(5, 3, 0, 0, false, false), true,  false, 3),
        Arguments.of("§2.4 5 hosts: two nodes + heuristics stay minority",   ev(5, 2, 0, 0, true,  true),  false, false, 2),
        Arguments.of("§2.4 a majority needs no heuristic vote",              ev(2, 2, 0, 0, true,  false), true,  false, 2),
        Arguments.of("§10.1.7 3 hosts: lone host + heuristics NOT quorate",  ev(3, 1, 0, 0, true,  true),  false, false, 1),
        Arguments.of("witness: 2 hosts + witness, self + witness",           ev(2, 1, 1, 1, false, false), true,  false, 2),
        Arguments.of("witness: 2 hosts + witness, lone host + heuristics",   ev(2, 1, 1, 0, true,  true),  false, false, 1),
        Arguments.of("witness: 2 hosts + witness, witness alone is minority", ev(2, 0, 1, 1, true, true),  false, false, 1),
        Arguments.of("witness: 2 hosts + 2 witnesses, tie broken",           ev(2, 1, 2, 1, true,  true),  true,  true,  3),
        Arguments.of("inconsistent: more reachable than hosts",              ev(2, 3, 0, 0, false, false), false, false, 0),
        Arguments.of("inconsistent: more witnesses reachable than set",      ev(2, 1, 0, 1, false, false), false, false, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void evaluates(String name, Quorum.Evidence e, boolean quorate, boolean tie, int votes) {
    QuorumVerdict v = Quorum.evaluate(e);
    assertEquals(quorate, v.quorate(), v.reason());
    assertEquals(tie, v.exactTie(), v.reason());
    assertEquals(votes, v.votes(), v.reason());
  }

  @org.junit.jupiter.api.Test
  void fourArgumentEvidenceMeansNoWitness() {
    QuorumVerdict v = Quorum.evaluate(new Quorum.Evidence(2, 1, true, true));
    assertEquals(true, v.tieBroken(), v.reason());
  }
}
