package org.tandemha.controller.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7 item 7: {@code tandem fence test HOST} asks each level for the power status and says what a fence would
 * do; nothing is ever asked to power off. (The agents here are stand-ins that record what they were asked; the real
 * fence_ipmilan path is FenceAgentsPortTest's.)
 */
class FenceTestCommandTest {
  static final String XS1 = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a01";

  @TempDir
  Path tmp;

  Path agent(String name, int statusExit) throws Exception {
    Path a = tmp.resolve(name);
    Files.writeString(a, "#!/bin/sh\ncat >> " + tmp.resolve("asked") + "\nexit " + statusExit + "\n");
    Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rwx------"));
    return a;
  }

  record Result(int rc, String out, String err) {}

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = FenceTestCommand.run(List.of(args), new PrintStream(out, true), new PrintStream(err, true));
    return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void asksEveryLevelAndPowersNothingOff() throws Exception {
    Path conf = tmp.resolve("tandem.conf");
    Files.writeString(conf, """
        tandem.node { host-uuid = "%s", host-address = "10.77.0.11" }
        tandem.fence.hosts { "%s" = [ { agent = "%s", options { ip = "10.77.0.21" } },
                                      { agent = "%s", options { ip = "10.77.0.9", plug = 3 } } ] }
        """.formatted(XS1, XS1, agent("fence_dead", 1), agent("fence_pdu", 2)));
    Result r = run("test", XS1, "--config", conf.toString());
    assertEquals(0, r.rc(), r.err());
    assertTrue(r.out().contains("level 1") && r.out().contains("NO ANSWER"), r.out());
    assertTrue(r.out().contains("level 2") && r.out().contains("power OFF"), r.out());
    assertTrue(r.out().contains("through level 2"), r.out());
    String asked = Files.readString(tmp.resolve("asked"));
    assertTrue(asked.contains("action=status"), asked);
    assertFalse(asked.contains("action=off"), "nothing powered off: " + asked);
  }

  @Test
  void noLevelAnsweringSaysTheFenceWouldFail() throws Exception {
    Path conf = tmp.resolve("tandem.conf");
    Files.writeString(conf, """
        tandem.node { host-uuid = "%s", host-address = "10.77.0.11" }
        tandem.fence.hosts { "%s" = [ { agent = "%s" } ] }
        """.formatted(XS1, XS1, agent("fence_dead", 1)));
    Result r = run("test", XS1, "--config", conf.toString());
    assertEquals(1, r.rc());
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
    assertEquals(2, run("test", XS1, "--bogus").rc());
  }
}
