package org.tandemha.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.protocol.HostId;

/** The pool's MANUAL_MODE value as iSCSI-HA keeps it: {@code <uuid>=enable|primary|secondary}, comma-joined. */
class ManualModeValueTest {
  static final HostId A = new HostId("aaaaaaaa-0000-4000-8000-00000000000a");

  static Stream<Arguments> rows() {
    String b = "bbbbbbbb-0000-4000-8000-00000000000b=secondary";
    return Stream.of(
        Arguments.of("", "enable", A.uuid() + "=enable"),
        Arguments.of(b, "primary", b + "," + A.uuid() + "=primary"),
        Arguments.of(A.uuid() + "=enable," + b, "secondary", b + "," + A.uuid() + "=secondary"),
        Arguments.of(b + "," + A.uuid() + "=primary", "automatic", b),
        Arguments.of(A.uuid() + "=enable", "automatic", ""));
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("rows")
  void keepsTheOtherHostsEntries(String current, String mode, String expected) {
    assertEquals(expected, NodeGuardian.manualModeValue(current, A, mode));
  }
}
