/** Log-in and sign-up. */
export const en = {
  "auth.loginTitle": "Log in",
  "auth.signupTitle": "Sign up",
  "auth.createAccount": "Create an account",
  "auth.username": "Username",
  "auth.usernameHint": "3–32 letters (Hangul too), digits, dots, underscores or hyphens.",
  "auth.password": "Password",
  "auth.passwordHint": "At least 8 characters.",
  "auth.haveAccount": "Already have an account? {link}",
  "auth.newHere": "New here? {link}",
} as const;

export const ko: Record<keyof typeof en, string> = {
  "auth.loginTitle": "로그인",
  "auth.signupTitle": "회원가입",
  "auth.createAccount": "계정 만들기",
  "auth.username": "아이디",
  "auth.usernameHint": "한글·영문 글자, 숫자, 마침표(.), 밑줄(_), 하이픈(-)으로 3~32자",
  "auth.password": "비밀번호",
  "auth.passwordHint": "8자 이상",
  "auth.haveAccount": "이미 계정이 있나요? {link}",
  "auth.newHere": "처음이신가요? {link}",
};
