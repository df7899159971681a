package org.tandemha.controller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.actors.port.ServiceManager;

/** The sd_notify datagrams as systemd receives them: on a real AF_UNIX datagram socket bound here. */
class SystemdNotifyTest {
  @TempDir Path dir;

  /** Every datagram that arrives within the time given, up to {@code expected}. */
  static List<String> receive(SystemdNotify.Listener systemd, int expected, long millis) throws InterruptedException {
    List<String> got = new ArrayList<>();
    long end = System.currentTimeMillis() + millis;
    while (got.size() < expected && System.currentTimeMillis() < end) {
      systemd.next(Math.max(1, end - System.currentTimeMillis())).ifPresent(got::add);
    }
    return got;
  }

  @Test
  void readyStatusKeepAliveAndStoppingArriveAsSystemdReadsThem() throws Exception {
    String path = dir.resolve("notify").toString();
    try (var systemd = new SystemdNotify.Listener(path)) {
      ServiceManager notify = SystemdNotify.of(path);
      notify.status("starting: joining the cluster\nand reading the pool");
      notify.ready("ready: host xa in the cluster");
      notify.alive();
      notify.stopping();
      assertEquals(List.of("STATUS=starting: joining the cluster and reading the pool",
              "READY=1\nSTATUS=ready: host xa in the cluster", "WATCHDOG=1", "STOPPING=1\nSTATUS=stopping"),
          receive(systemd, 4, 5000));
    }
  }

  @Test
  void anAbstractSocketNameWorksToo() throws Exception {
    String name = "@tandem-notify-test-" + ProcessHandle.current().pid();
    try (var systemd = new SystemdNotify.Listener(name)) {
      SystemdNotify.of(name).alive();
      assertEquals(List.of("WATCHDOG=1"), receive(systemd, 1, 5000));
    }
  }

  @Test
  void noSocketMeansNoServiceManagerAndAGoneSocketNeverThrows() throws Exception {
    assertSame(ServiceManager.NONE, SystemdNotify.of(null));
    assertSame(ServiceManager.NONE, SystemdNotify.of(""));
    assertSame(ServiceManager.NONE, SystemdNotify.of("/" + "x".repeat(200)), "too long for sockaddr_un: refused, logged");
    ServiceManager gone = SystemdNotify.of(dir.resolve("nobody-listens").toString());
    gone.alive();   // ENOENT: logged once, the node goes on
    gone.ready("ready");
    assertEquals(false, Files.exists(dir.resolve("nobody-listens")));
  }
}
