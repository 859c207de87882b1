export * from './address-policy';
export * from './outbound-request';
export * from './fetch-remote-file';
