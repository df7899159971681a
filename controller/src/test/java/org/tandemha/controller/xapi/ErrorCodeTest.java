package org.tandemha.controller.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.xensource.xenapi.Types;
import org.junit.jupiter.api.Test;

/** The SDK's typed exceptions carry no error code; the adapter gives back XAPI's (xapi-subset.md §4). */
class ErrorCodeTest {
  @Test
  void typedExceptionsMapBackToXapiCodes() {
    assertEquals("SR_BACKEND_FAILURE", SdkXapiAdapter.codeOf(Types.SrBackendFailure.class));
    assertEquals("HOST_IS_SLAVE", SdkXapiAdapter.codeOf(Types.HostIsSlave.class));
    assertEquals("VM_BAD_POWER_STATE", SdkXapiAdapter.codeOf(Types.VmBadPowerState.class));
    assertEquals("HANDLE_INVALID", SdkXapiAdapter.codeOf(Types.HandleInvalid.class));
  }
}
