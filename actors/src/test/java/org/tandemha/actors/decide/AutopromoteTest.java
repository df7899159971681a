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

  @org.junit.jupiter.api.Test
  void readsPoolValueBack() {
    PoolSnapshot p = pool(A, host(A, true), host(B, true));
    assertEquals(Optional.of(B), Autopromote.fromPoolValue("bbbb", p));
    assertEquals(Optional.empty(), Autopromote.fromPoolValue("none_available", p));
    assertEquals(Optional.empty(), Autopromote.fromPoolValue("not-a-host", p));
    assertEquals("none_available", Autopromote.poolValue(Optional.empty()));
  }
}
