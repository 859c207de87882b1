import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DomainError, NotFoundError } from '@app/common';
import { AppConfig } from '@app/config';
import type { User } from '@app/prisma';
import { UsersService, getDummyHash, verifyPassword } from '@app/users';
import { AuthResponseDto, LoginDto, RegisterDto, UserProfileDto } from './dto/auth.dto';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async register(dto: RegisterDto): Promise<AuthResponseDto> {
    const user = await this.users.create({ email: dto.email, password: dto.password, name: dto.name });
    return this.issueToken(user);
  }

  async login(dto: LoginDto): Promise<AuthResponseDto> {
    const user = await this.users.findByEmail(dto.email);
    // Always run one verification so unknown emails take as long as wrong passwords.
    const ok = await verifyPassword(user?.passwordHash ?? (await getDummyHash()), dto.password);
    if (!user || !ok) throw new DomainError('INVALID_CREDENTIALS', 'Email or password is incorrect');
    return this.issueToken(user);
  }

  async profile(userId: string): Promise<UserProfileDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('User');
    return toProfile(user);
  }

  private async issueToken(user: User): Promise<AuthResponseDto> {
    const accessToken = await this.jwt.signAsync({ sub: user.id, role: user.role });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.JWT_EXPIRES_IN_SECONDS, user: toProfile(user) };
  }
}

export function toProfile(user: User): UserProfileDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    tier: user.tier,
    creditBalance: user.creditBalance,
    createdAt: user.createdAt,
  };
}
