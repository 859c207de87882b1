export * from './address-policy';
export * from './outbound-request';
