# Reads TensorBoard event files the way TensorBoard does, independently of lib/io/tensorboard.ts:
# TFRecord framing with both masked CRC-32C checks (computed bit by bit here), each record parsed by
# the protobuf library against TensorBoard's Event / Summary / Summary.Value field numbers.
# python3 read_events.py FILE... prints one JSON list per file (each scalar as its float32 bits).
import json, struct, sys
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto
proto = descriptor_pb2.FileDescriptorProto(name='event.proto', package='tensorboard')
value = proto.message_type.add(name='Value')
value.field.add(name='tag', number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
value.field.add(name='simple_value', number=2, type=F.TYPE_FLOAT, label=F.LABEL_OPTIONAL)
summary = proto.message_type.add(name='Summary')
summary.field.add(name='value', number=1, type=F.TYPE_MESSAGE, type_name='.tensorboard.Value', label=F.LABEL_REPEATED)
event = proto.message_type.add(name='Event')
event.field.add(name='wall_time', number=1, type=F.TYPE_DOUBLE, label=F.LABEL_OPTIONAL)
event.field.add(name='step', number=2, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
event.field.add(name='file_version', number=3, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
event.field.add(name='summary', number=5, type=F.TYPE_MESSAGE, type_name='.tensorboard.Summary', label=F.LABEL_OPTIONAL)
pool = descriptor_pool.DescriptorPool()
pool.Add(proto)
Event = message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName('tensorboard.Event'))

def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF

def masked(data):
    c = crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF

for name in sys.argv[1:]:
    raw = open(name, 'rb').read()
    events, at = [], 0
    while at < len(raw):
        header = raw[at:at + 8]
        (length,) = struct.unpack('<Q', header)
        (crc,) = struct.unpack('<I', raw[at + 8:at + 12])
        assert crc == masked(header), 'bad length CRC at %d' % at
        data = raw[at + 12:at + 12 + length]
        (crc,) = struct.unpack('<I', raw[at + 12 + length:at + 16 + length])
        assert crc == masked(data), 'bad data CRC at %d' % at
        e = Event()
        e.ParseFromString(data)
        events.append({'wall_time': e.wall_time, 'step': e.step, 'file_version': e.file_version,
                       'values': [{'tag': v.tag, 'bits': struct.unpack('<I', struct.pack('<f', v.simple_value))[0]} for v in e.summary.value]})
        at += 16 + length
    print(json.dumps(events))
