package org.tandemha.actors.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.port.LocalDomains;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PoolId;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.VmId;
import org.tandemha.protocol.VmView;

/** Issue #5 item 6: when this host's copy of a VM is a duplicate to destroy. */
class DuplicatesTest {
  static final HostId SELF = new HostId("aaaaaaaa-0000-4000-8000-00000000000a");
  static final HostId OTHER = new HostId("bbbbbbbb-0000-4000-8000-00000000000b");
  static final String VM = "11111111-0000-4000-8000-000000000001";
  static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  static VmView vm(String power, HostId on, boolean busy) {
    return new VmView(new VmId(VM), "web", power, Optional.ofNullable(on), false, false, false, 0, Map.of(),
        Optional.empty(), Optional.empty(), busy);
  }

  static Duplicates.Evidence ev(VmView v, Map<String, Instant> since) {
    PoolSnapshot pool = new PoolSnapshot(new PoolId("p"), SELF, Map.of(), List.of(), v == null ? List.of() : List.of(v),
        NOW);
    return new Duplicates.Evidence(SELF, List.of(new LocalDomains.Domain(VM, "web")), pool, since, NOW);
  }

  static Stream<Arguments> rows() {
    Map<String, Instant> seen3s = Map.of(VM, NOW.minusSeconds(3));
    Map<String, Instant> seen1s = Map.of(VM, NOW.minusSeconds(1));
    return Stream.of(//                                                           destroy  suspect
        Arguments.of("resident elsewhere, first sight: remembered only",
            ev(vm("Running", OTHER, false), Map.of()),                            0,       1),
        Arguments.of("resident elsewhere for 3 s: destroyed",
            ev(vm("Running", OTHER, false), seen3s),                              1,       1),
        Arguments.of("resident elsewhere for 1 s: not yet",
            ev(vm("Running", OTHER, false), seen1s),                              0,       1),
        Arguments.of("paused elsewhere counts too",
            ev(vm("Paused", OTHER, false), seen3s),                               1,       1),
        Arguments.of("an operation in progress (migration): left alone",
            ev(vm("Running", OTHER, true), seen3s),                               0,       0),
        Arguments.of("resident here: no duplicate",
            ev(vm("Running", SELF, false), seen3s),                               0,       0),
        Arguments.of("halted in XAPI: not this rule",
            ev(vm("Halted", null, false), seen3s),                                0,       0),
        Arguments.of("unknown to XAPI: not this rule",
            ev(null, seen3s),                                                     0,       0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(String name, Duplicates.Evidence e, int destroy, int suspects) {
    Duplicates.Decision d = Duplicates.decide(e);
    assertEquals(destroy, d.destroy().size());
    assertEquals(suspects, d.suspects().size());
  }
}
