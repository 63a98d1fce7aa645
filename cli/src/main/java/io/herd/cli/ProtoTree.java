package io.herd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Timestamp;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The tree herdctl prints for {@code --output json|yaml}: a response message with every field
 * present, in declaration order, under its proto field name ({@code memory_mib}). Numbers are
 * JSON numbers (64-bit ones too, unlike proto3's canonical JSON, so {@code jq '.memory_mib > 1024'}
 * works), enums are their value names ({@code SERVER_STATE_ACTIVE}), timestamps are RFC 3339
 * strings in UTC, unset messages are {@code null}, repeated fields are arrays, and map fields
 * are objects (as in proto3's JSON), their keys in the order the message holds them.
 */
final class ProtoTree {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ProtoTree() {}

  static JsonNode of(MessageOrBuilder message) {
    if (message instanceof Timestamp timestamp) {
      return NODES.textNode(
          Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).toString());
    }
    ObjectNode object = NODES.objectNode();
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (field.isMapField()) {
        ObjectNode map = object.putObject(field.getName());
        FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
        FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
        for (Object element : (List<?>) message.getField(field)) {
          MessageOrBuilder entry = (MessageOrBuilder) element;
          map.set(String.valueOf(entry.getField(keyField)), value(valueField, entry.getField(valueField)));
        }
      } else if (field.isRepeated()) {
        ArrayNode array = object.putArray(field.getName());
        for (Object element : (List<?>) message.getField(field)) {
          array.add(value(field, element));
        }
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !message.hasField(field)) {
        object.putNull(field.getName());
      } else {
        object.set(field.getName(), value(field, message.getField(field)));
      }
    }
    return object;
  }

  private static JsonNode value(FieldDescriptor field, Object value) {
    switch (field.getType()) {
      case UINT32:
      case FIXED32:
        return NODES.numberNode(Integer.toUnsignedLong((Integer) value));
      case UINT64:
      case FIXED64:
        return NODES.numberNode(new BigInteger(Long.toUnsignedString((Long) value)));
      case INT32:
      case SINT32:
      case SFIXED32:
        return NODES.numberNode((Integer) value);
      case INT64:
      case SINT64:
      case SFIXED64:
        return NODES.numberNode((Long) value);
      case FLOAT:
        return NODES.numberNode((Float) value);
      case DOUBLE:
        return NODES.numberNode((Double) value);
      case BOOL:
        return NODES.booleanNode((Boolean) value);
      case STRING:
        return NODES.textNode((String) value);
      case BYTES:
        return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case ENUM:
        return NODES.textNode(((EnumValueDescriptor) value).getName());
      case MESSAGE:
      case GROUP:
        return of((MessageOrBuilder) value);
      default:
        throw new IllegalStateException("unhandled field type " + field.getType());
    }
  }
}
