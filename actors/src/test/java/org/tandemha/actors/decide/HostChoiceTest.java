package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.HostView;

/** Issue #5 item 4 (halizard-behaviour §4.5): where a VM restarts, and how long it waits when nowhere works. */
class HostChoiceTest {
  static final HostId A = new HostId("aaaaaaaa-0000-4000-8000-00000000000a");
  static final HostId B = new HostId("bbbbbbbb-0000-4000-8000-00000000000b");
  static final HostId C = new HostId("cccccccc-0000-4000-8000-00000000000c");
  static final long GIB = 1L << 30;

  static HostView host(HostId id, boolean enabled, boolean live) {
    return new HostView(id, id.uuid().substring(0, 1), "10.77.0." + id.uuid().charAt(0), enabled, live, Map.of());
  }

  static final List<HostView> ALL_UP = List.of(host(A, true, true), host(B, true, true), host(C, true, true));
  static final Map<HostId, Long> FREE = Map.of(A, 8 * GIB, B, 32 * GIB, C, 16 * GIB);

  static HostChoice.Evidence ev(Optional<HostId> affinity, List<HostView> hosts, Set<HostId> fenced, Set<HostId> failed) {
    return new HostChoice.Evidence(affinity, hosts, FREE, fenced, failed);
  }

  static Stream<Arguments> rows() {
    return Stream.of(//                                                                                   host
        Arguments.of("most free memory",                   ev(Optional.empty(), ALL_UP, Set.of(), Set.of()),   Optional.of(B)),
        Arguments.of("affinity first",                     ev(Optional.of(A), ALL_UP, Set.of(), Set.of()),      Optional.of(A)),
        Arguments.of("affinity host failed: most memory",  ev(Optional.of(A), ALL_UP, Set.of(), Set.of(A)),     Optional.of(B)),
        Arguments.of("affinity host fenced: most memory",  ev(Optional.of(A), ALL_UP, Set.of(A), Set.of()),     Optional.of(B)),
        Arguments.of("a failed host is skipped",           ev(Optional.empty(), ALL_UP, Set.of(), Set.of(B)),   Optional.of(C)),
        Arguments.of("a fenced host is never chosen",      ev(Optional.empty(), ALL_UP, Set.of(B), Set.of()),   Optional.of(C)),
        Arguments.of("maintenance (disabled) never chosen",
            ev(Optional.empty(), List.of(host(A, true, true), host(B, false, true), host(C, true, true)), Set.of(), Set.of()),
            Optional.of(C)),
        Arguments.of("not live never chosen",
            ev(Optional.empty(), List.of(host(A, true, true), host(B, true, false), host(C, true, false)), Set.of(), Set.of()),
            Optional.of(A)),
        Arguments.of("every host failed: back off",        ev(Optional.empty(), ALL_UP, Set.of(), Set.of(A, B, C)), Optional.empty()),
        Arguments.of("no eligible host at all",
            ev(Optional.empty(), List.of(host(A, false, true)), Set.of(), Set.of()),                               Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void chooses(String name, HostChoice.Evidence e, Optional<HostId> host) {
    HostChoice.Choice c = HostChoice.choose(e);
    assertEquals(host, c.host(), c.reason());
    assertFalse(c.reason().isBlank());
  }

  @Test
  void backoffDoublesAndIsCapped() {
    assertEquals(Duration.ZERO, HostChoice.backoff(0));
    assertEquals(Duration.ofSeconds(10), HostChoice.backoff(1));
    assertEquals(Duration.ofSeconds(20), HostChoice.backoff(2));
    assertEquals(Duration.ofSeconds(160), HostChoice.backoff(5));
    assertEquals(Duration.ofMinutes(5), HostChoice.backoff(6));
    assertEquals(Duration.ofMinutes(5), HostChoice.backoff(60));
  }

  @Test
  void vdiInUseErrorsAreRetriedAfterAVdiReset() {
    assertTrue(HostChoice.vdiInUse("SR_BACKEND_FAILURE_46"));
    assertTrue(HostChoice.vdiInUse("VDI_IN_USE"));
    assertFalse(HostChoice.vdiInUse("HOST_NOT_LIVE"));
    assertFalse(HostChoice.vdiInUse(null));
  }
}
