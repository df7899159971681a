package org.tandemha.controller.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #9: {@code ops/ha-cfg} and {@code ops/iscsi-cfg} map HA-Lizard's and iSCSI-HA's verbs onto tandem's, with
 * arguments passed whole (a VM name with spaces stays one argument); unknown actions are bad usage (exit 2).
 */
class OpsWrappersTest {
  @TempDir static Path tmp;

  record Ran(int rc, String out, String err) {}

  static Ran run(String script, String... args) throws Exception {
    Path fake = tmp.resolve("fake-tandem");
    if (!Files.exists(fake)) {
      Files.writeString(fake, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done\necho\n");
      fake.toFile().setExecutable(true);
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of("..", "ops", script).toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("TANDEM", fake.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Ran(p.exitValue(), out, err);
  }

  static Stream<Arguments> mappings() {
    return Stream.of(
        Arguments.of("ha-cfg", List.of("status"), "[status]"),
        Arguments.of("ha-cfg", List.of("get", "-l"), "[config][get]"),
        Arguments.of("ha-cfg", List.of("set", "FENCE_METHOD", "ILO"), "[config][set][--][FENCE_METHOD][ILO]"),
        Arguments.of("ha-cfg", List.of("set-quiet", "MAIL_SUBJECT", "HA alert"), "[config][set][--][MAIL_SUBJECT][HA alert]"),
        Arguments.of("ha-cfg", List.of("get-vm-ha"), "[vm][list]"),
        Arguments.of("ha-cfg", List.of("set-vm-ha", "my vm", "true"), "[vm][set-ha][--][my vm][true]"),
        Arguments.of("ha-cfg", List.of("ha-enable"), "[enable]"),
        Arguments.of("ha-cfg", List.of("ha-disable"), "[disable]"),
        Arguments.of("ha-cfg", List.of("backup", "/tmp/x"), "[config][backup][--][/tmp/x]"),
        Arguments.of("ha-cfg", List.of("restore", "/tmp/x"), "[config][restore][--][/tmp/x]"),
        Arguments.of("ha-cfg", List.of("email"), "[alert][test]"),
        Arguments.of("ha-cfg", List.of("show-alerts"), "[alerts][list]"),
        Arguments.of("ha-cfg", List.of("clear-alerts"), "[alerts][clear]"),
        Arguments.of("ha-cfg", List.of("log"), "[events]"),
        Arguments.of("ha-cfg", List.of("version"), "[version]"),
        Arguments.of("iscsi-cfg", List.of("status"), "[storage][status]"),
        Arguments.of("iscsi-cfg", List.of("manual-mode-enable"), "[storage][manual-mode][enable]"),
        Arguments.of("iscsi-cfg", List.of("manual-mode-disable"), "[storage][manual-mode][disable]"),
        Arguments.of("iscsi-cfg", List.of("become-primary"), "[storage][become-primary]"),
        Arguments.of("iscsi-cfg", List.of("become-secondary"), "[storage][become-secondary]"),
        Arguments.of("iscsi-cfg", List.of("-v"), "[version]"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("mappings")
  void eachVerbMapsOntoTandem(String script, List<String> args, String expected) throws Exception {
    Ran r = run(script, args.toArray(String[]::new));
    assertEquals(0, r.rc(), r.err());
    assertEquals(expected, r.out());
    assertTrue(r.err().startsWith(script + ": tandem "), "the mapping is shown: " + r.err());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badUsage")
  void badUsageIsExitTwo(String script, List<String> args, String message) throws Exception {
    Ran r = run(script, args.toArray(String[]::new));
    assertEquals(2, r.rc(), r.out() + r.err());
    assertTrue(r.err().contains(message), r.err());
    assertEquals("", r.out(), "tandem not called");
  }

  static Stream<Arguments> badUsage() {
    return Stream.of(
        Arguments.of("ha-cfg", List.of(), "missing action"),
        Arguments.of("ha-cfg", List.of("frobnicate"), "unknown action"),
        Arguments.of("ha-cfg", List.of("set", "FENCE_METHOD"), "Missing parameters"),
        Arguments.of("ha-cfg", List.of("set-vm-ha", "my", "vm", "true"), "single quotes"),
        Arguments.of("ha-cfg", List.of("restore-default"), "nothing changed"),
        Arguments.of("iscsi-cfg", List.of("reboot"), "unknown action"));
  }
}
