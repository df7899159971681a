package org.tandemha.actors.port;

/** The fence device failed or gave an answer that cannot be read as ON or OFF. */
public final class FenceDeviceError extends RuntimeException {
  public FenceDeviceError(String message) { super(message); }
  public FenceDeviceError(String message, Throwable cause) { super(message, cause); }
}
