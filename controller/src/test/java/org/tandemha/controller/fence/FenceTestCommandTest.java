package org.tandemha.controller.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.fencing.lab.LabBmc;

/**
 * Issue #7 item 7: {@code tandem fence test HOST} asks each level for the power status — here the real
 * {@code fence_ipmilan} against a simulated BMC, behind a first level whose BMC does not exist — and says what a
 * fence would do; the chassis is never asked to power off.
 */
class FenceTestCommandTest {
  static final String XS1 = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a01";

  @TempDir
  Path tmp;

  record Result(int rc, String out, String err) {}

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = FenceTestCommand.run(List.of(args), new PrintStream(out, true), new PrintStream(err, true));
    return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Path secret() throws Exception {
    Path s = tmp.resolve("bmc-secret");
    Files.writeString(s, "Pw-fence-test\n");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rw-------"));
    return s;
  }

  String level(int port, Path secret) {
    return "{ agent = \"fence_ipmilan\", options { ip = \"127.0.0.1\", ipport = " + port + ", username = \"tandem\", "
        + "lanplus = 1, cipher = 3, login_timeout = 1, retry_on = 1 }, password-file = \"" + secret + "\" }";
  }

  @Test
  void asksEveryLevelThroughTheRealAgentAndPowersNothingOff() throws Exception {
    if (!LabBmc.available() || !Files.isExecutable(Path.of("/usr/sbin/fence_ipmilan"))) {
      fail("needs ipmi_sim (openipmi) and fence_ipmilan (fence-agents); .ci/run installs both");
    }
    Path chassis = tmp.resolve("chassis.sh");
    Path log = tmp.resolve("chassis.log");
    Files.writeString(chassis, "#!/bin/sh\necho \"$*\" >> " + log + "\ncase $2 in get) echo power:1;; esac\nexit 0\n");
    Files.setPosixFilePermissions(chassis, PosixFilePermissions.fromString("rwx------"));
    try (LabBmc bmc = LabBmc.start(tmp.resolve("bmc"), "tandem", "Pw-fence-test", chassis.toString())) {
      Path conf = tmp.resolve("tandem.conf");
      Files.writeString(conf, "tandem.node { host-uuid = \"" + XS1 + "\", host-address = \"10.77.0.11\" }\n"
          + "tandem.fence.agent-timeout = 5s\n"
          + "tandem.fence.hosts { \"" + XS1 + "\" = [ " + level(LabBmc.freeUdpPort(), secret()) + ", "
          + level(bmc.port, secret()) + " ] }\n");
      Result r = run("test", XS1, "--config", conf.toString());
      assertEquals(0, r.rc(), r.out() + r.err());
      assertTrue(r.out().contains("level 1") && r.out().contains("NO ANSWER"), r.out());
      assertTrue(r.out().contains("level 2") && r.out().contains("power ON"), r.out());
      assertTrue(r.out().contains("through level 2"), r.out());
      String asked = Files.readString(log);
      assertTrue(asked.contains("get power"), asked);
      assertTrue(!asked.contains("set power"), "nothing powered off: " + asked);
    }
  }

  @Test
  void noLevelAnsweringSaysTheFenceWouldFail() throws Exception {
    Path conf = tmp.resolve("tandem.conf");
    Files.writeString(conf, "tandem.node { host-uuid = \"" + XS1 + "\", host-address = \"10.77.0.11\" }\n"
        + "tandem.fence.agent-timeout = 3s\n"
        + "tandem.fence.hosts { \"" + XS1 + "\" = [ " + level(LabBmc.freeUdpPort(), secret()) + " ] }\n");
    Result r = run("test", XS1, "--config", conf.toString());
    assertEquals(1, r.rc(), r.out() + r.err());
    assertTrue(r.out().contains("would FAIL"), r.out());
  }

  @Test
  void badInputIsNamed() throws Exception {
    Path conf = tmp.resolve("tandem.conf");
    Files.writeString(conf, "tandem.node { host-uuid = \"" + XS1 + "\", host-address = \"10.77.0.11\" }\n");
    assertEquals(2, run().rc());
    assertEquals(2, run("test").rc());
    Result none = run("test", XS1, "--config", conf.toString());
    assertEquals(2, none.rc());
    assertTrue(none.err().contains("no fence device is configured for host"), none.err());
    Result bogus = run("test", XS1, "--bogus");
    assertEquals(2, bogus.rc());
    assertTrue(bogus.err().contains("unexpected argument \"--bogus\""), bogus.err());
  }

  @Test
  void anHaLizardScriptIsCheckedNotRunAndPoolIsNotAFence() throws Exception {
    Path loc = tmp.resolve("fence");
    Files.createDirectories(loc.resolve("MYPDU"));
    Path ran = tmp.resolve("ran");
    Files.writeString(loc.resolve("MYPDU").resolve("MYPDU.sh"), "#!/bin/sh\ntouch " + ran + "\nexit 0\n");
    Files.setPosixFilePermissions(loc.resolve("MYPDU").resolve("MYPDU.sh"), PosixFilePermissions.fromString("rwx------"));
    Files.writeString(loc.resolve("MYPDU").resolve("MYPDU.hosts"), XS1 + ":outlet-3\n");
    Path conf = tmp.resolve("tandem.conf");
    String node = "tandem.node { host-uuid = \"" + XS1 + "\", host-address = \"10.77.0.11\" }\n"
        + "tandem.fence.file-loc = \"" + loc + "\"\n";
    Files.writeString(conf, node + "tandem.fence.method = MYPDU\n");
    Result r = run("test", XS1, "--config", conf.toString());
    assertEquals(0, r.rc(), r.out() + r.err());
    assertTrue(r.out().contains("MYPDU.hosts maps it to outlet-3"), r.out());
    assertTrue(!Files.exists(ran), "the script is never run by a test");

    String other = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a02";
    Result missing = run("test", other, "--config", conf.toString());
    assertEquals(1, missing.rc(), missing.out());
    assertTrue(missing.out().contains("does not list host " + other), missing.out());

    Files.writeString(conf, node + "tandem.fence.method = POOL\n");
    Result pool = run("test", XS1, "--config", conf.toString());
    assertEquals(1, pool.rc(), pool.out());
    assertTrue(pool.out().contains("NOT A FENCE"), pool.out());
  }
}
