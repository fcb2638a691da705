// What a user does in the VS Code workbench, as playwright calls (selectors of Code 1.139 in code-server).

const PALETTE_LABEL = 'Type the name of a command to run.';

export class Workbench {
  constructor(page) {
    this.page = page;
    this.quickInput = page.locator('.quick-input-widget');
    this.quickInputBox = this.quickInput.locator('.quick-input-box input');
    this.statusBar = page.locator('#workbench\\.parts\\.statusbar');
    this.editorPart = page.locator('#workbench\\.parts\\.editor');
  }

  async waitUntilLoaded(timeoutMs = 60_000) {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
  }

  /** 'vs' (light) or 'vs-dark', from the workbench's theme class. */
  async themeType() {
    const classes = await this.page.locator('.monaco-workbench').getAttribute('class');
    return classes.split(/\s+/).find((name) => name === 'vs' || name === 'vs-dark' || name.startsWith('hc-'));
  }

  /** A status bar entry by the text it shows (codicons are not text). */
  statusItem(text) {
    return this.statusBar.locator('.statusbar-item').filter({ hasText: text });
  }

  /** Runs a command from the palette (F1) by its full title, e.g. "Carbon Meter: Open Panel". */
  async runCommand(title) {
    if (await this.quickInput.isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden' });
    }
    await this.page.keyboard.press('F1');
    const palette = this.quickInput.locator(`.quick-input-box input[aria-label="${PALETTE_LABEL}"]`);
    await palette.waitFor({ state: 'visible' });
    await palette.fill(`>${title}`);
    await this.acceptRow(title);
    // Done when the palette has closed, or the command has put its own quick pick in the same widget.
    await this.page.waitForFunction((label) => {
      const input = document.querySelector('.quick-input-widget .quick-input-box input');
      const widget = document.querySelector('.quick-input-widget');
      return !widget || widget.style.display === 'none' || input?.getAttribute('aria-label') !== label;
    }, PALETTE_LABEL);
  }

  /** In an open quick pick titled `title`, filters by `filter` and accepts the row labelled `label`. */
  async pick(title, filter, label = filter, { timeoutMs } = {}) {
    await this.quickInput.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: timeoutMs });
    await this.quickInputBox.fill(filter, { timeout: timeoutMs });
    await this.acceptRow(label, { timeoutMs });
  }

  /** Clicks the quick input row whose label is exactly `label`, once it is listed. */
  async acceptRow(label, { timeoutMs } = {}) {
    const rows = this.quickInput.locator('.quick-input-list .monaco-list-row');
    const index = await this.page.waitForFunction((label) => {
      for (const row of document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row')) {
        const text = row.querySelector('.label-name')?.textContent?.trim() ?? '';
        if (text === label) return row.getAttribute('data-index');
      }
      return undefined;
    }, label, { timeout: timeoutMs });
    await rows.and(this.page.locator(`[data-index="${await index.jsonValue()}"]`)).click({ timeout: timeoutMs });
  }

  /** The quick input's current value (the save dialog shows the proposed path there). */
  async quickInputValue() {
    return this.quickInputBox.inputValue();
  }

  /**
   * Replaces the whole text of the open editor whose file path ends with `pathSuffix` by pasting (typing
   * would set off auto-closing and auto-indent), then saves it.
   */
  async replaceEditorText(pathSuffix, text) {
    const editor = this.page.locator(`.monaco-editor[data-uri$="${pathSuffix}"]`);
    await editor.locator('.view-lines').click();
    await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(this.page.url()).origin });
    await this.page.evaluate((value) => navigator.clipboard.writeText(value), text);
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Control+V');
    await this.page.keyboard.press('Control+S');
  }

  /** A notification toast containing `text`. */
  notification(text) {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
  }

  /** The text of open dialogs and notification toasts, for failure reports. */
  async visibleMessages() {
    const texts = await this.page.locator('.monaco-dialog-box, .notifications-toasts .notification-toast').allInnerTexts();
    return texts.map((text) => text.replace(/\s+/g, ' ').trim()).filter(Boolean).join(' | ');
  }

  /** The content of the (only) webview: outer iframe.webview.ready → inner iframe#active-frame. */
  webview() {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  async clearNotifications() {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached', timeout: 5_000 });
  }
}

/** "0.00123 gCO₂e · 8.1 W" → grams (mg/kg converted, "<0.001" counts as 0.0005). */
export function parseStatusGrams(text) {
  const match = /(<)?([\d.,]+(?:e-?\d+)?)\s*(mg|g|kg)CO₂e(?!\/kWh)/.exec(text);
  if (!match) return undefined;
  const value = match[1] ? Number(match[2]) / 2 : Number(match[2].replace(/,/g, ''));
  return value * { mg: 0.001, g: 1, kg: 1000 }[match[3]];
}
