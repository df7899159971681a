package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.HostView;
import org.tandemha.protocol.PoolId;
import org.tandemha.protocol.PoolSnapshot;

class AutopromoteTest {
  static final HostId A = new HostId("aaaa"), B = new HostId("bbbb"), C = new HostId("cccc");

  static HostView host(HostId id, boolean enabled) {
    return new HostView(id, id.uuid(), "127.0.0.1", enabled, true, Map.of());
  }

  static PoolSnapshot pool(HostId master, HostView... hosts) {
    return new PoolSnapshot(new PoolId("p"), master, Map.of(), List.of(hosts), List.of(), Instant.EPOCH);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("two hosts: the single slave",          pool(A, host(A, true), host(B, true)), Set.of(), Optional.of(B)),
        Arguments.of("lowest uuid among slaves",             pool(A, host(C, true), host(A, true), host(B, true)), Set.of(), Optional.of(B)),
        Arguments.of("disabled slaves are never chosen",     pool(A, host(A, true), host(B, false), host(C, true)), Set.of(), Optional.of(C)),
        Arguments.of("fenced hosts are left out",            pool(B, host(A, true), host(B, true)), Set.of(A), Optional.empty()),
        Arguments.of("master alone: none_available",         pool(A, host(A, true)), Set.of(), Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void chooses(String name, PoolSnapshot pool, Set<HostId> excluded, Optional<HostId> winner) {
    Autopromote.Choice c = Autopromote.choose(pool, excluded);
    assertEquals(winner, c.winner(), c.reason());
  }

  static final PoolSnapshot ABC = pool(A, host(A, true), host(B, true), host(C, true));
  static final Set<HostId> ALL = Set.of(A, B, C);

  static Autopromote.Evidence ev(PoolSnapshot p, Set<HostId> fenced, Set<HostId> suspended, Set<HostId> quorate,
                                 Optional<HostId> preferred) {
    return new Autopromote.Evidence(p, fenced, suspended, quorate, preferred);
  }

  static Stream<Arguments> issueCases() {
    return Stream.of(//                                                   pool fenced  suspended quorate preferred  winner
        Arguments.of("lowest UUID among eligible slaves",                   ev(ABC, Set.of(), Set.of(), ALL, Optional.empty()), Optional.of(B)),
        Arguments.of("§2.9 disabled slave is never chosen",                 ev(pool(A, host(A, true), host(B, false), host(C, true)), Set.of(), Set.of(), ALL, Optional.empty()), Optional.of(C)),
        Arguments.of("fenced slave is left out",                            ev(ABC, Set.of(B), Set.of(), ALL, Optional.empty()), Optional.of(C)),
        Arguments.of("§3.7 suspended slave is left out",                    ev(ABC, Set.of(), Set.of(B), ALL, Optional.empty()), Optional.of(C)),
        Arguments.of("slave outside the quorate partition is left out",     ev(ABC, Set.of(), Set.of(), Set.of(A, C), Optional.empty()), Optional.of(C)),
        Arguments.of("master not quorate: nobody is eligible",              ev(ABC, Set.of(), Set.of(), Set.of(), Optional.empty()), Optional.empty()),
        Arguments.of("operator preference wins when eligible",              ev(ABC, Set.of(), Set.of(), ALL, Optional.of(C)), Optional.of(C)),
        Arguments.of("preference suspended: falls back to lowest UUID",     ev(ABC, Set.of(), Set.of(C), ALL, Optional.of(C)), Optional.of(B)),
        Arguments.of("preference is the master: falls back",                ev(ABC, Set.of(), Set.of(), ALL, Optional.of(A)), Optional.of(B)),
        Arguments.of("preference not a pool host: falls back",              ev(ABC, Set.of(), Set.of(), ALL, Optional.of(new HostId("zzzz"))), Optional.of(B)),
        Arguments.of("every slave fenced or suspended: none_available",     ev(ABC, Set.of(B), Set.of(C), ALL, Optional.of(C)), Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("issueCases")
  void choosesWithSuspensionQuorumAndPreference(String name, Autopromote.Evidence e, Optional<HostId> winner) {
    Autopromote.Choice c = Autopromote.choose(e);
    assertEquals(winner, c.winner(), c.reason());
  }

  @org.junit.jupiter.api.Test
  void readsPoolValueBack() {
    PoolSnapshot p = pool(A, host(A, true), host(B, true));
    assertEquals(Optional.of(B), Autopromote.fromPoolValue("bbbb", p));
    assertEquals(Optional.empty(), Autopromote.fromPoolValue("none_available", p));
    assertEquals(Optional.empty(), Autopromote.fromPoolValue("not-a-host", p));
    assertEquals("none_available", Autopromote.poolValue(Optional.empty()));
  }
}
