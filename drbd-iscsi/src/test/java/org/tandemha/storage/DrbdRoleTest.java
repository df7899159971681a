package org.tandemha.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tandemha.storage.DrbdRole.Role;

class DrbdRoleTest {
  static Stream<Arguments> outputs() {
    return Stream.of(//                 output (drbd-utils 9.22)       local            peer
        Arguments.of("DRBD 9 primary",   "Primary\n",                 Role.PRIMARY,    Optional.empty()),
        Arguments.of("DRBD 9 secondary", "Secondary",                 Role.SECONDARY,  Optional.empty()),
        Arguments.of("DRBD 9 unknown",   "Unknown",                   Role.UNKNOWN,    Optional.empty()),
        Arguments.of("8.4 primary",      "Primary/Secondary",         Role.PRIMARY,    Optional.of(Role.SECONDARY)),
        Arguments.of("8.4 peer unknown", "Secondary/Unknown\n",       Role.SECONDARY,  Optional.of(Role.UNKNOWN)),
        Arguments.of("8.4 resource down", "Unconfigured",              Role.UNCONFIGURED, Optional.empty()),
        Arguments.of("8.4 dual primary", "Primary/Primary",           Role.PRIMARY,    Optional.of(Role.PRIMARY)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outputs")
  void readsBothFormats(String name, String output, Role local, Optional<Role> peer) {
    DrbdRole r = DrbdRole.parse("iscsi1", output);
    assertEquals(local, r.local());
    assertEquals(peer, r.peer());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Secondry", "iscsi1: Unknown resource", "Primary\nSecondary", "Primary/Secondary/Secondary"})
  void refusesAnythingElse(String output) {
    assertThrows(DrbdRole.Unreadable.class, () -> DrbdRole.parse("iscsi1", output));
  }
}
