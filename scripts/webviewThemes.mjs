// The Dark Modern and Light Modern theme variables VS Code sets on a webview's <html>, for the headless
// renders of the panels (scripts/renderPanel.mjs, scripts/renderRegionAdvisor.mjs).

export const THEMES = [
  {
    name: 'dark', label: 'Dark Modern', bodyClass: 'vscode-dark',
    colors: {
      'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', foreground: '#cccccc', descriptionForeground: '#9d9d9d',
      focusBorder: '#0078d4', 'widget-border': '#313131', 'editorWidget-background': '#202020', 'panel-border': '#2b2b2b',
      'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-border': '#ffffff12',
      'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
      'badge-background': '#616161', 'badge-foreground': '#f8f8f8', contrastBorder: 'transparent',
      'sideBar-background': '#181818', 'sideBarSectionHeader-background': '#181818', 'sideBarSectionHeader-border': '#2b2b2b',
      'sideBarTitle-foreground': '#cccccc', 'icon-foreground': '#cccccc',
      'list-hoverBackground': '#2a2d2e', 'list-inactiveSelectionBackground': '#37373d', 'list-activeSelectionBackground': '#04395e',
      'textCodeBlock-background': '#2b2b2b', 'textLink-foreground': '#4daafc', errorForeground: '#f85149',
      'editorWarning-foreground': '#cca700', 'testing-iconPassed': '#73c991', disabledForeground: '#cccccc80',
      'progressBar-background': '#0078d4', 'toolbar-hoverBackground': '#5a5d5e50',
      'charts-foreground': '#cccccc', 'charts-lines': '#cccccc80', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff',
      'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
      'settings-checkboxBackground': '#313131', 'settings-checkboxBorder': '#3c3c3c', 'settings-checkboxForeground': '#cccccc',
      'settings-dropdownBackground': '#313131', 'settings-dropdownBorder': '#3c3c3c', 'settings-dropdownForeground': '#cccccc',
      'settings-dropdownListBorder': '#454545', 'list-activeSelectionForeground': '#ffffff',
      'settings-textInputBackground': '#313131', 'settings-textInputBorder': '#3c3c3c', 'settings-textInputForeground': '#cccccc',
      'input-placeholderForeground': '#989898', 'inputValidation-errorBackground': '#5a1d1d', 'inputValidation-errorBorder': '#be1100',
    },
  },
  {
    name: 'light', label: 'Light Modern', bodyClass: 'vscode-light',
    colors: {
      'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', foreground: '#3b3b3b', descriptionForeground: '#3b3b3b',
      focusBorder: '#005fb8', 'widget-border': '#e5e5e5', 'editorWidget-background': '#f8f8f8', 'panel-border': '#e5e5e5',
      'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8', 'button-border': '#0000001a',
      'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
      'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b', contrastBorder: 'transparent',
      'sideBar-background': '#f8f8f8', 'sideBarSectionHeader-background': '#f8f8f8', 'sideBarSectionHeader-border': '#e5e5e5',
      'sideBarTitle-foreground': '#3b3b3b', 'icon-foreground': '#424242',
      'list-hoverBackground': '#f2f2f2', 'list-inactiveSelectionBackground': '#e4e6f1', 'list-activeSelectionBackground': '#e8e8e8',
      'textCodeBlock-background': '#f8f8f8', 'textLink-foreground': '#005fb8', errorForeground: '#f85149',
      'editorWarning-foreground': '#bf8803', 'testing-iconPassed': '#388a34', disabledForeground: '#61616180',
      'progressBar-background': '#005fb8', 'toolbar-hoverBackground': '#b8b8b850',
      'charts-foreground': '#616161', 'charts-lines': '#61616180', 'charts-red': '#e51400', 'charts-blue': '#1a85ff',
      'charts-yellow': '#bf8803', 'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90',
      'settings-checkboxBackground': '#f8f8f8', 'settings-checkboxBorder': '#cecece', 'settings-checkboxForeground': '#3b3b3b',
      'settings-dropdownBackground': '#ffffff', 'settings-dropdownBorder': '#cecece', 'settings-dropdownForeground': '#3b3b3b',
      'settings-dropdownListBorder': '#c8c8c8', 'list-activeSelectionForeground': '#000000',
      'settings-textInputBackground': '#ffffff', 'settings-textInputBorder': '#cecece', 'settings-textInputForeground': '#3b3b3b',
      'input-placeholderForeground': '#767676', 'inputValidation-errorBackground': '#f2dede', 'inputValidation-errorBorder': '#be1100',
    },
  },
];

export function themeCss(theme) {
  const variables = Object.entries(theme.colors).map(([name, value]) => `  --vscode-${name}: ${value};`);
  return `html {
${variables.join('\n')}
  --vscode-font-family: system-ui, "Ubuntu", "Droid Sans", sans-serif;
  --vscode-font-weight: normal;
  --vscode-font-size: 13px;
  --vscode-editor-font-family: "Droid Sans Mono", "monospace", monospace;
  background-color: var(--vscode-editor-background);
}
`;
}
