export { auditLog, type AuditLogOptions } from './auditLog.ts';
export { ackEntry, alertEntry, commandEntry, safeModeEntry } from './auditEntries.ts';
export { GENESIS, seal, unseal, type AuditEntry, type AuditLine } from './hashChain.ts';
export { verifyAuditFile, verifyAuditLines, type AuditVerdict } from './verifyAudit.ts';
export { kafkaAuditChain, type ChainHead, type KafkaAuditChainOptions } from './kafkaAuditChain.ts';
export { verifyAuditTopic, type TopicChainVerdict } from './verifyAuditTopic.ts';
