/** Strings every page shares: the shell, navigation, generic actions. */
export const en = {
  "common.brand": "Parley",
  "common.skipToContent": "Skip to content",
  "common.language": "Language",
  "common.free": "Free",
  "common.send": "Send",
  "common.cancel": "Cancel",
  "common.retry": "Retry",
} as const;

export const ko: Record<keyof typeof en, string> = {
  "common.brand": "Parley",
  "common.skipToContent": "본문으로 건너뛰기",
  "common.language": "언어",
  "common.free": "무료",
  "common.send": "보내기",
  "common.cancel": "취소",
  "common.retry": "다시 시도",
};
