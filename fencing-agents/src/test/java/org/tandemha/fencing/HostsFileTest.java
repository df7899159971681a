package org.tandemha.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostsFileTest {
  static final String A = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a01";
  static final String B = "7c4e1a9b-2d6f-4b3a-8e5c-000000000b02";

  @Test
  void looksUpExactlyNotBySubstring() throws Exception {
    HostsFile f = HostsFile.parse("ILO.hosts", List.of("# iLO addresses", A + ":10.0.0.21", "", B + ":10.0.0.22"));
    assertEquals(Optional.of("10.0.0.21"), f.deviceFor(A));
    assertEquals(Optional.of("10.0.0.22"), f.deviceFor(B.toUpperCase()));
    assertEquals(Optional.empty(), f.deviceFor("3f9a2c1e"), "a UUID prefix must not match (HA-Lizard greps)");
    assertEquals(2, f.size());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("no colon", List.of(A + " 10.0.0.21"), "line 1"),
        Arguments.of("not a uuid", List.of("xcp-a:10.0.0.21"), "not a host UUID"),
        Arguments.of("empty value", List.of(A + ":"), "no device value"),
        Arguments.of("listed twice", List.of(A + ":10.0.0.21", A + ":10.0.0.99"), "listed twice"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesMalformedFilesWithTheLine(String name, List<String> lines, String message) {
    HostsFile.Invalid e = assertThrows(HostsFile.Invalid.class, () -> HostsFile.parse("ILO.hosts", lines));
    assertTrue(e.getMessage().contains(message) && e.getMessage().startsWith("ILO.hosts line"), e.getMessage());
  }
}
