package io.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.herd.api.v1.Host;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The STATUS of {@code host list}, from the Host message alone. The real cluster cannot make its
 * agents' libvirt unreachable (degraded) on demand, so the order is checked on messages here;
 * down, cordoned and up are seen on the real cluster in HostCommandTest and HostMoveCommandTest.
 */
class HostViewTest {
  private static final Host UP =
      Host.newBuilder().setName("hv-1").setUp(true).setSchedulable(true).setApproved(true).build();
  private static final Host UNAPPROVED = UP.toBuilder().setApproved(false)
      .setNotPlaceableReason("awaiting approval: herdctl host approve hv-1").build();

  @Test
  void downComesFirstThenDegradedThenEvacuatedThenCordoned() {
    Host cordoned = UP.toBuilder().setSchedulable(false).setUnschedulableReason("disk swap")
        .setNotPlaceableReason("cordoned: disk swap").build();
    Host degraded = cordoned.toBuilder().setDegraded(true).setDegradedReason("libvirt unreachable")
        .setNotPlaceableReason("degraded: libvirt unreachable").build();
    Host evacuated = cordoned.toBuilder().setNotPlaceableReason("evacuated by an operator").build();
    Host down = degraded.toBuilder().setUp(false).setNotPlaceableReason("down: no heartbeat since …").build();

    assertThat(HostView.status(UP)).isEqualTo("up");
    assertThat(HostView.status(cordoned)).isEqualTo("cordoned");
    assertThat(HostView.status(evacuated)).isEqualTo("evacuated");
    assertThat(HostView.status(degraded)).isEqualTo("degraded");
    assertThat(HostView.status(down)).isEqualTo("down");
  }

  @Test
  void showSaysWhyADegradedHostTakesNoServers() {
    Host degraded = UP.toBuilder().setDegraded(true).setDegradedReason("libvirt unreachable")
        .setNotPlaceableReason("degraded: libvirt unreachable").build();

    assertThat(HostView.details(degraded))
        .containsPattern("status: +degraded\n")
        .containsPattern("takes new servers: +no: degraded: libvirt unreachable\n")
        .containsPattern("degraded: +libvirt unreachable\n");
  }

  @Test
  void unapprovedComesAfterDownAndDegradedAndBeforeCordoned() {
    Host cordoned = UNAPPROVED.toBuilder().setSchedulable(false).setUnschedulableReason("disk swap").build();
    Host degraded = UNAPPROVED.toBuilder().setDegraded(true).setNotPlaceableReason("degraded: libvirt unreachable")
        .build();

    assertThat(HostView.status(UNAPPROVED)).isEqualTo("unapproved");
    assertThat(HostView.status(cordoned)).isEqualTo("unapproved");
    assertThat(HostView.status(degraded)).isEqualTo("degraded");
    assertThat(HostView.table(List.of(UP, UNAPPROVED), 80)).containsPattern("hv-1 +- +- +unapproved ");
  }

  @Test
  void showSaysHowToApproveAHostThatAwaitsApproval() {
    assertThat(HostView.details(UNAPPROVED))
        .containsPattern("status: +unapproved\n")
        .containsPattern("takes new servers: +no: awaiting approval: herdctl host approve hv-1\n")
        .containsPattern("approved: +no \\(awaiting herdctl host approve hv-1\\)\n");
    assertThat(HostView.details(UP)).doesNotContain("approved:");
  }

  /** A controller from before approval never sets approved: its hosts are not shown as unapproved. */
  @Test
  void aHostOfAControllerWithoutApprovalIsNotUnapproved() {
    Host old = UP.toBuilder().setApproved(false).build();

    assertThat(HostView.status(old)).isEqualTo("up");
    assertThat(HostView.details(old)).doesNotContain("approved:");
  }
}
