package io.herd.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.herd.api.v1.ServerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays docs/grpcurl.md: every {@code grpcurl -d '…' … herd.v1.Service/Method} request, in
 * the page's order, against an in-process controller with one host "host1"; a request
 * followed by an {@code ERROR:} block must fail with that message, every other must succeed.
 */
class GrpcurlWalkthroughTest {

    private static final Pattern CALL = Pattern.compile(
            "grpcurl\\s+-plaintext(?:\\s+-d\\s+'(?<json>[^']*)')?\\s+\\S+\\s+(?<method>herd\\.v1\\.\\w+/\\w+)");
    private static final Pattern BLOCK = Pattern.compile("```(?:sh)?\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    record Call(String json, String method, String expectedError) {
    }

    @Test
    void everyRequestOfTheWalkthroughDoesWhatThePageSays() throws Exception {
        List<Call> calls = parse(Files.readString(Path.of("..", "docs", "grpcurl.md")));
        assertThat(calls).extracting(Call::method).contains("herd.v1.ServerGroupService/CreateServerGroup",
                "herd.v1.ServerService/CreateServers", "herd.v1.ServerService/WatchServers",
                "herd.v1.ServerService/DeleteServer", "herd.v1.ServerGroupService/DeleteServerGroup");
        try (Harness h = new Harness(dir)) {
            h.heartbeat("host1", "r1", "z1", 16, 65_536, 1_000);
            Map<String, MethodDescriptor<?, ?>> methods = new HashMap<>();
            for (ServerServiceDefinition service : Harness.services(h.core).stream()
                    .map(io.grpc.BindableService::bindService).toList()) {
                service.getMethods().forEach(m -> methods.put(m.getMethodDescriptor().getFullMethodName(),
                        m.getMethodDescriptor()));
            }
            String serverId = null;
            for (Call call : calls) {
                MethodDescriptor<?, ?> method = methods.get(call.method());
                assertThat(method).as(call.method()).isNotNull();
                String json = call.json() == null ? "{}" : call.json();
                if (serverId != null) {
                    json = json.replace("SERVER-ID", serverId);
                }
                Message request = parse(method, json);
                if (method.getType() != MethodDescriptor.MethodType.UNARY) {
                    continue;  // WatchServers: the request parses; the stream is tested elsewhere
                }
                if (call.method().endsWith("/DeleteServer")) {
                    String id = serverId;
                    await().until(() -> h.state(id) != ServerState.SERVER_STATE_BUILDING);
                }
                Object response;
                try {
                    response = unary(h, method, request);
                } catch (StatusRuntimeException e) {
                    assertThat(call.expectedError()).as("%s %s failed: %s", call.method(), json, e.getStatus())
                            .isNotNull();
                    assertThat(e.getStatus().getDescription()).isEqualTo(call.expectedError());
                    continue;
                }
                assertThat(call.expectedError()).as("%s %s should have failed", call.method(), json).isNull();
                if (response instanceof io.herd.api.v1.CreateServersResponse created && serverId == null) {
                    serverId = created.getServers(0).getId();
                }
            }
            assertThat(serverId).isNotNull();
        }
    }

    private static List<Call> parse(String markdown) {
        List<Call> calls = new ArrayList<>();
        Matcher blocks = BLOCK.matcher(markdown);
        while (blocks.find()) {
            String block = blocks.group(1).replace("\\\n", " ");
            if (block.startsWith("ERROR:")) {
                Matcher m = Pattern.compile("Message: (.*)").matcher(block);
                assertThat(m.find()).isTrue();
                Call last = calls.remove(calls.size() - 1);
                calls.add(new Call(last.json(), last.method(), m.group(1).trim()));
                continue;
            }
            Matcher m = CALL.matcher(block);
            while (m.find()) {
                calls.add(new Call(m.group("json"), m.group("method"), null));
            }
        }
        return calls;
    }

    private static Message parse(MethodDescriptor<?, ?> method, String json) throws Exception {
        @SuppressWarnings("unchecked")
        MethodDescriptor.PrototypeMarshaller<Message> marshaller =
                (MethodDescriptor.PrototypeMarshaller<Message>) method.getRequestMarshaller();
        Message.Builder builder = marshaller.getMessagePrototype().toBuilder();
        JsonFormat.parser().merge(json, builder);
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    private static Object unary(Harness h, MethodDescriptor<?, ?> method, Message request) {
        return ClientCalls.blockingUnaryCall(h.channel(), (MethodDescriptor<Message, Object>) method,
                CallOptions.DEFAULT, request);
    }
}
