package io.herd.controller.nova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herd.controller.placement.Policy;
import org.junit.jupiter.api.Test;

/** The create body's checks, in the order and words of Nova's schemas, on values HTTP tests do not reach. */
class ServerGroupSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Microversion V264 = new Microversion(2, 64);
    private static final Microversion V21 = Microversion.MIN;

    @Test
    void maxServerPerHostIsAPositiveIntegerOrDigitsUpToHerdsBound() throws Exception {
        assertThat(create("{\"server_group\": {\"name\": \"a\", \"policy\": \"anti-affinity\", \"rules\": "
                + "{\"max_server_per_host\": 2.0}}}", V264).maxPerHost()).isEqualTo(2);
        assertThat(create("{\"server_group\": {\"name\": \"a\", \"policy\": \"anti-affinity\", \"rules\": "
                + "{\"max_server_per_host\": \"1000\"}}}", V264).maxPerHost()).isEqualTo(1000);
        refused("{\"server_group\": {\"name\": \"a\", \"policy\": \"anti-affinity\", \"rules\": "
                + "{\"max_server_per_host\": true}}}", V264, "Invalid input for field/attribute max_server_per_host. "
                + "Value: True. True is not of type 'integer', 'string'");
        refused("{\"server_group\": {\"name\": \"a\", \"policy\": \"anti-affinity\", \"rules\": "
                + "{\"max_server_per_host\": \"99999999999999999999\"}}}", V264, "Invalid input for field/attribute "
                + "max_server_per_host. Value: '99999999999999999999'. '99999999999999999999' is greater than the "
                + "maximum of 1000");
        refused("{\"server_group\": {\"name\": \"a\", \"policy\": \"anti-affinity\", \"rules\": "
                + "{\"max_server_per_host\": \"two\"}}}", V264, "Invalid input for field/attribute "
                + "max_server_per_host. Value: 'two'. 'two' does not match '^[0-9]*$'");
    }

    @Test
    void theFirstFaultIsTheOneNovasSchemaOrderFindsFirst() {
        // properties before required before additionalProperties
        refused("{\"server_group\": {\"name\": 5, \"extra\": 1}}", V21,
                "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string'");
        refused("{\"server_group\": {\"name\": \"a\", \"policies\": [\"affinity\"], \"extra\": 1}}", V21,
                "Invalid input for field/attribute server_group. Value: {'name': 'a', 'policies': ['affinity'], "
                        + "'extra': 1}. Additional properties are not allowed ('extra' was unexpected)");
        refused("{\"server_group\": {\"name\": \"a\", \"policies\": [\"affinity\"]}, \"x\": 1, \"y\": 2}", V21,
                "Additional properties are not allowed ('x', 'y' were unexpected)");
        refused("{\"server_group\": null}", V21,
                "Invalid input for field/attribute server_group. Value: None. None is not of type 'object'");
        refused("{\"server_group\": {\"name\": \"a\", \"policies\": []}}", V21,
                "Invalid input for field/attribute policies. Value: []. [] is too short");
        refused("{\"server_group\": {\"name\": \"a\", \"policies\": [\"affinity\", \"anti-affinity\"]}}", V21,
                "Invalid input for field/attribute policies. Value: ['affinity', 'anti-affinity']. ['affinity', "
                        + "'anti-affinity'] is too long");
        refused("{\"server_group\": {\"name\": \"" + "n".repeat(256) + "\", \"policies\": [\"affinity\"]}}", V21,
                "Invalid input for field/attribute name. Value: '" + "n".repeat(256) + "'. '" + "n".repeat(256)
                        + "' is too long");
    }

    @Test
    void eachPolicyNameMapsToHerdsPolicy() throws Exception {
        assertThat(create("{\"server_group\": {\"name\": \"a\", \"policies\": [\"affinity\"]}}", V21).policy())
                .isEqualTo(Policy.AFFINITY);
        assertThat(create("{\"server_group\": {\"name\": \"a\", \"policy\": \"soft-anti-affinity\"}}", V264)
                .policy()).isEqualTo(Policy.SOFT_ANTI_AFFINITY);
        ServerGroupSchema.Create c = create("{\"server_group\": {\"name\": \"ünïcode name\", \"policy\": "
                + "\"anti-affinity\"}}", V264);
        assertThat(c.name()).isEqualTo("ünïcode name");
        assertThat(c.maxPerHost()).isEqualTo(1);
    }

    private static ServerGroupSchema.Create create(String body, Microversion v) throws Exception {
        return ServerGroupSchema.create(JSON.readTree(body), v);
    }

    private static void refused(String body, Microversion v, String message) {
        assertThatThrownBy(() -> create(body, v)).isInstanceOfSatisfying(NovaError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}
