package org.tandemha.controller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog device adapter against a fake device file and a fake /sys/class/watchdog. */
class DeviceWatchdogTest {
  @TempDir
  Path tmp;

  @Test
  void opensOnceWritesOneKeepAlivePerFeedNeverTheMagicClose() throws Exception {
    Path dev = Files.createFile(tmp.resolve("watchdog"));
    DeviceWatchdog w = DeviceWatchdog.checked(dev, Duration.ofSeconds(60), tmp.resolve("sys"), true);
    for (int i = 0; i < 5; i++) w.feed();
    assertEquals("kkkkk", Files.readString(dev));
  }

  @Test
  void aTimeoutShorterThanTheDriversIsRefused() throws Exception {
    Path dev = Files.createFile(tmp.resolve("watchdog"));
    Path sys = tmp.resolve("sys");
    Files.createDirectories(sys.resolve("watchdog0"));
    Files.writeString(sys.resolve("watchdog0").resolve("timeout"), "60\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DeviceWatchdog.checked(dev, Duration.ofSeconds(30), sys));
    assertTrue(e.getMessage().contains("shorter than the driver's 60s"), e.getMessage());
    assertEquals(Duration.ofSeconds(90), DeviceWatchdog.checked(dev, Duration.ofSeconds(90), sys).timeout(),
        "a longer configured timeout is what peers are told: they wait at least the driver's");
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> DeviceWatchdog.checked(dev, Duration.ofSeconds(60), tmp.resolve("no-sysfs")));
    assertTrue(unknown.getMessage().contains("trust-timeout = on"), unknown.getMessage());
  }
}
