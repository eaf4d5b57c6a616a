// Palaver JavaScript SDK: see docs/protocol.md (being written).
export default {};
