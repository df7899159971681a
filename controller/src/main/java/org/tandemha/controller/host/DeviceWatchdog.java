package org.tandemha.controller.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import org.tandemha.actors.port.SelfFence;

/**
 * The Linux watchdog device ({@code /dev/watchdog}, a hardware watchdog or the {@code softdog} module): opened
 * once, which starts it, then one keep-alive byte per feed. It is never closed with the magic 'V', so neither a
 * clean exit nor a crash of Tandem disarms it: the host resets {@link #timeout()} after the last feed unless a new
 * Tandem process opens and feeds it first (a restart within the timeout is fine).
 *
 * <p>Java cannot issue the WDIOC_SETTIMEOUT ioctl, so the timeout is the driver's: read from
 * {@code /sys/class/watchdog/<name>/timeout} when the device has one, and the configured value must not be shorter
 * than it (a peer trusting a shorter timeout would take over while this host still runs).
 */
public final class DeviceWatchdog implements SelfFence.Watchdog {
  /** Any byte but 'V' only restarts the countdown. */
  private static final byte KEEP_ALIVE = 'k';

  private final Path device;
  private final Duration timeout;
  private FileChannel channel;   // opened on the first feed, kept open for the life of the JVM

  public DeviceWatchdog(Path device, Duration timeout) {
    this.device = device;
    this.timeout = timeout;
  }

  /**
   * The device as configured, checked: it exists and is writable, and the configured timeout is not shorter than
   * the driver's own.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static DeviceWatchdog checked(Path device, Duration configured, Path sysClassWatchdog) {
    return checked(device, configured, sysClassWatchdog, false);
  }

  /**
   * @param trustConfigured the driver's timeout cannot be read here (a kernel without watchdog sysfs) and the
   *                        operator vouches that the configured one is not shorter ({@code trust-timeout = on})
   */
  public static DeviceWatchdog checked(Path device, Duration configured, Path sysClassWatchdog,
                                       boolean trustConfigured) {
    if (!Files.exists(device)) throw new IllegalArgumentException(device + " does not exist (load a watchdog driver, "
        + "e.g. modprobe softdog soft_margin=60, or leave tandem.watchdog.device empty)");
    if (!Files.isWritable(device)) throw new IllegalArgumentException(device + " is not writable by this user");
    if (configured.compareTo(Duration.ofSeconds(5)) < 0) {
      throw new IllegalArgumentException("tandem.watchdog.timeout must be at least 5s (fed every second), got " + configured);
    }
    Optional<Duration> driver = driverTimeout(device, sysClassWatchdog);
    if (driver.isEmpty() && !trustConfigured) {
      throw new IllegalArgumentException("the driver's timeout cannot be read from " + sysClassWatchdog.resolve(name(device))
          .resolve("timeout") + ": peers would trust tandem.watchdog.timeout blindly; check the driver's timeout "
          + "(e.g. softdog's soft_margin) and set tandem.watchdog.trust-timeout = on");
    }
    if (driver.isPresent() && configured.compareTo(driver.get()) < 0) {
      throw new IllegalArgumentException("tandem.watchdog.timeout " + configured.toSeconds() + "s is shorter than the "
          + "driver's " + driver.get().toSeconds() + "s (" + sysClassWatchdog.resolve(name(device)).resolve("timeout")
          + "): peers would take over while this host still runs");
    }
    return new DeviceWatchdog(device, configured);   // never shorter than the driver's: peers wait at least that
  }

  /** {@code /dev/watchdog} is the first device, {@code watchdog0}; {@code /dev/watchdogN} is itself. */
  private static String name(Path device) {
    String n = device.getFileName().toString();
    return n.equals("watchdog") ? "watchdog0" : n;
  }

  static Optional<Duration> driverTimeout(Path device, Path sysClassWatchdog) {
    Path f = sysClassWatchdog.resolve(name(device)).resolve("timeout");
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(Files.readString(f).strip())));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override public String device() { return device.toString(); }

  @Override public Duration timeout() { return timeout; }

  @Override public synchronized boolean opened() { return channel != null; }

  @Override public synchronized void feed() throws IOException {
    if (channel == null) {
      // APPEND: a character device ignores it; a test's fake device file collects one byte per feed.
      channel = FileChannel.open(device, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
    channel.write(ByteBuffer.wrap(new byte[] {KEEP_ALIVE}));
  }
}
