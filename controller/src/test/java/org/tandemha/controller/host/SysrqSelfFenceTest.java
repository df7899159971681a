package org.tandemha.controller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysrqSelfFenceTest {
  @Test
  void syncsThenReboots(@TempDir Path dir) throws Exception {
    Path trigger = dir.resolve("sysrq-trigger");
    Files.writeString(trigger, "");
    new SysrqSelfFence(trigger).fire("test");
    assertEquals("b", Files.readString(trigger), "the last write must be the reboot");
  }

  @Test
  void aMissingTriggerIsReportedNotThrown(@TempDir Path dir) {
    new SysrqSelfFence(dir.resolve("no-such-dir").resolve("sysrq-trigger")).fire("test");
  }
}
