package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.HostId;

/** Which winner a slave acts on when the nodes it reaches remember different ones (found by the fuzz runner). */
class AutopromoteAgreementTest {
  static final HostId A = new HostId("aaaa"), B = new HostId("bbbb"), C = new HostId("cccc");

  static Autopromote.Belief b(HostId winner, int at, HostId master) {
    return new Autopromote.Belief(Optional.ofNullable(winner), Optional.of(Instant.ofEpochSecond(at)),
        Optional.ofNullable(master));
  }

  static final Autopromote.Belief NEVER = new Autopromote.Belief(Optional.empty(), Optional.empty());

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("alone: its own winner",                    b(B, 10, A), List.of(), Optional.of(B), "freshest"),
        Arguments.of("all agree",                                b(B, 10, A), List.of(b(B, 12, A)), Optional.of(B), ""),
        Arguments.of("cut from the master before it chose again: the fresher read wins",
                                                                 b(B, 10, A), List.of(b(C, 14, A)), Optional.of(C), "fresher"),
        Arguments.of("this node read later than the stale one",  b(C, 14, A), List.of(b(B, 10, A)), Optional.of(C), "freshest"),
        Arguments.of("same instant, different winners: nobody",  b(B, 10, A), List.of(b(C, 10, A)), Optional.empty(), "same instant"),
        Arguments.of("peers that never knew one do not count",   b(B, 10, A), List.of(NEVER), Optional.of(B), ""),
        Arguments.of("this node never knew one: the peers'",     NEVER, List.of(b(C, 3, A)), Optional.of(C), "fresher"),
        Arguments.of("another slave took over already: nobody",  b(B, 10, A), List.of(b(C, 20, B)), Optional.empty(), "taken over already"),
        Arguments.of("a new master's fresher read names this node, but the lost host is no longer master",
                                                                 b(B, 10, A), List.of(b(B, 20, C)), Optional.empty(), "taken over already"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void freshestBeliefWins(String name, Autopromote.Belief own, List<Autopromote.Belief> others,
                          Optional<HostId> winner, String reason) {
    Autopromote.Agreement a = Autopromote.agree(own, others, A);
    assertEquals(winner, a.winner(), a.reason());
    assertTrue(a.reason().contains(reason), a.reason());
  }
}
